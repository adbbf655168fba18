/**
 * The message checks of protocol.ts, and the host against a fake engine process (no addon, no
 * build needed): malformed worker messages, restart back-off when the worker dies at start.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EngineProcess, createEngineHost } from '../../../electron/services/engine-host/host';
import {
  type HostRequest,
  isResultValue,
  parseGenerateOptions,
  parseHostRequest,
  parseWorkerMessage,
} from '../../../electron/services/engine-host/protocol';
import { EngineCrashedError } from '../../../electron/services/engine-host/types';

describe('parseHostRequest', () => {
  it('accepts well-formed requests and copies only known fields', () => {
    expect(parseHostRequest({ t: 'tokenize', id: 1, text: 'hi', special: false, addBos: true, extra: 1 })).toEqual({
      ok: true,
      message: { t: 'tokenize', id: 1, text: 'hi', special: false, addBos: true },
    });
    expect(parseHostRequest({ t: 'generate', id: 2, ids: [1, 2], options: { maxTokens: 3, stop: ['x'], ignoreEog: true, seed: undefined } })).toEqual({
      ok: true,
      message: { t: 'generate', id: 2, ids: [1, 2], options: { maxTokens: 3, stop: ['x'], ignoreEog: true } },
    });
    expect(parseHostRequest({ t: 'cancel', id: 7 })).toEqual({ ok: true, message: { t: 'cancel', id: 7 } });
    expect(parseHostRequest({ t: 'load', id: 3, path: '/m.gguf', nCtx: 512, threads: 0 }).ok).toBe(true);
    expect(parseHostRequest({ t: 'inspect', id: 4, path: '/m.gguf' }).ok).toBe(true);
  });

  it('rejects malformed requests with a reason, and the id when there is one', () => {
    expect(parseHostRequest(null)).toMatchObject({ ok: false });
    expect(parseHostRequest('load')).toMatchObject({ ok: false });
    expect(parseHostRequest({ t: 'load', path: '/m' })).toMatchObject({ ok: false, error: expect.stringMatching(/no valid id/) });
    expect(parseHostRequest({ t: 'load', id: 1, path: '', nCtx: 1, threads: 0 })).toMatchObject({ ok: false, id: 1 });
    expect(parseHostRequest({ t: 'load', id: 1, path: '/m', nCtx: -1, threads: 0 })).toMatchObject({ ok: false, id: 1 });
    expect(parseHostRequest({ t: 'detokenize', id: 2, ids: [1, 'x'] })).toMatchObject({ ok: false, id: 2 });
    expect(parseHostRequest({ t: 'generate', id: 3, ids: [1], options: { temperature: 'hot' } })).toMatchObject({
      ok: false,
      id: 3,
      error: expect.stringMatching(/temperature/),
    });
    expect(parseHostRequest({ t: 'generate', id: 3, ids: [1], options: { evil: true } })).toMatchObject({ ok: false, id: 3 });
    expect(parseHostRequest({ t: 'rm -rf', id: 4 })).toMatchObject({ ok: false, id: 4, error: expect.stringMatching(/unknown request type/) });
  });

  it('generate options: numbers must be finite, stop a list of strings', () => {
    expect(parseGenerateOptions(undefined)).toEqual({});
    expect(typeof parseGenerateOptions({ topK: Number.NaN })).toBe('string');
    expect(typeof parseGenerateOptions({ stop: 'x' })).toBe('string');
    expect(typeof parseGenerateOptions([1])).toBe('string');
  });
});

describe('parseWorkerMessage', () => {
  it('accepts the worker messages', () => {
    expect(parseWorkerMessage({ t: 'ready', pid: 12 }).ok).toBe(true);
    expect(parseWorkerMessage({ t: 'progress', id: 1, progress: 1.5 })).toEqual({ ok: true, message: { t: 'progress', id: 1, progress: 1 } });
    expect(parseWorkerMessage({ t: 'token', id: 1, event: { id: 3, index: 0, text: 'a', ms: 1, elapsedMs: 1 } }).ok).toBe(true);
    expect(parseWorkerMessage({ t: 'result', id: 1, ok: false, error: { message: 'no', code: 'IO' } }).ok).toBe(true);
    expect(parseWorkerMessage({ t: 'result', id: 1, ok: true, value: [1] }).ok).toBe(true);
  });

  it('rejects malformed ones', () => {
    expect(parseWorkerMessage(undefined).ok).toBe(false);
    expect(parseWorkerMessage({ t: 'token', id: 1, event: { id: 'x' } })).toMatchObject({ ok: false, id: 1 });
    expect(parseWorkerMessage({ t: 'result', id: 1, ok: false, error: 'boom' })).toMatchObject({ ok: false, id: 1 });
    expect(parseWorkerMessage({ t: 'result', id: 1, ok: 'yes' }).ok).toBe(false);
    expect(parseWorkerMessage({ t: 'progress', id: 1, progress: Number.NaN }).ok).toBe(false);
  });

  it('checks result values by request type', () => {
    expect(isResultValue('tokenize', [1, 2])).toBe(true);
    expect(isResultValue('tokenize', 'x')).toBe(false);
    expect(isResultValue('detokenize', 'x')).toBe(true);
    expect(isResultValue('generate', { stopReason: 'eog', ids: [], text: '', generatedTokens: 0 })).toBe(true);
    expect(isResultValue('load', { description: {} })).toBe(false);
  });
});

/** An engine process in memory: the test plays the worker. */
class FakeProcess implements EngineProcess {
  static count = 0;
  readonly pid = 1000 + FakeProcess.count++;
  sent: HostRequest[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  private exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  send(message: HostRequest): void {
    this.sent.push(message);
  }
  onMessage(listener: (m: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    this.exit(null, 'SIGKILL');
  }
  emit(message: unknown): void {
    for (const l of this.messageListeners) l(message);
  }
  exit(code: number | null, signal: string | null): void {
    const listeners = this.exitListeners.splice(0);
    for (const l of listeners) l(code, signal);
  }
}

describe('host against a fake process', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for ready, answers by id, and survives malformed messages', async () => {
    const procs: FakeProcess[] = [];
    const logs: string[] = [];
    const host = createEngineHost({
      launch: () => {
        const p = new FakeProcess();
        procs.push(p);
        return p;
      },
      log: (m) => logs.push(m),
    });
    const inspected = host.inspect('/m.gguf');
    const proc = procs[0]!;
    expect(proc.sent).toEqual([]);
    proc.emit({ t: 'ready', pid: proc.pid });
    expect(proc.sent).toEqual([{ t: 'inspect', id: 1, path: '/m.gguf' }]);
    proc.emit('garbage');
    proc.emit({ t: 'result', id: 1, ok: true, value: 'not a description' });
    await expect(inspected).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/malformed result/) });
    const second = host.inspect('/n.gguf');
    proc.emit({ t: 'result', id: 2, ok: false, error: { message: "'/n.gguf': not a GGUF file", code: 'FORMAT' } });
    await expect(second).rejects.toMatchObject({ code: 'FORMAT', message: "'/n.gguf': not a GGUF file" });
    expect(logs.some((l) => /malformed/.test(l))).toBe(true);
    await host.close();
  });

  it('backs off when the process dies at start, and pending calls reject with the reason', async () => {
    vi.useFakeTimers();
    const procs: FakeProcess[] = [];
    const crashes: string[] = [];
    const host = createEngineHost({
      launch: () => {
        const p = new FakeProcess();
        procs.push(p);
        return p;
      },
      restartDelayMs: 100,
    });
    host.onCrash((r) => crashes.push(r));
    const pending = host.inspect('/m.gguf');
    procs[0]!.exit(134, null);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCrashedError);
    expect((error as Error).message).toBe('the engine process stopped unexpectedly (exit code 134)');
    expect(crashes).toHaveLength(1);
    expect(host.status().error).toBe('the engine process stopped unexpectedly (exit code 134)');
    // Each death at start doubles the wait: 100, 200, 400, 800 ms.
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = procs.length;
      let waited = 0;
      while (procs.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      waits.push(waited);
      procs.at(-1)!.exit(1, null);
    }
    expect(waits).toEqual([100, 200, 400, 800]);
    // A process that was ready for a while is replaced at once, and the back-off starts over.
    await vi.advanceTimersByTimeAsync(1_600);
    expect(procs).toHaveLength(6);
    const settled = procs.at(-1)!;
    settled.emit({ t: 'ready', pid: settled.pid });
    await vi.advanceTimersByTimeAsync(6_000);
    settled.exit(null, 'SIGKILL');
    await vi.advanceTimersByTimeAsync(0);
    expect(procs).toHaveLength(7);
    procs.at(-1)!.exit(1, null);
    await vi.advanceTimersByTimeAsync(99);
    expect(procs).toHaveLength(7);
    await vi.advanceTimersByTimeAsync(1);
    expect(procs).toHaveLength(8);
    await host.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(procs).toHaveLength(8);
  });
});

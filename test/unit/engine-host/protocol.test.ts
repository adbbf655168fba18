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
    expect(parseHostRequest({ t: 'usage', id: 5, extra: 1 })).toEqual({ ok: true, message: { t: 'usage', id: 5 } });
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
    expect(parseGenerateOptions({ continuation: true, ignoreEog: false })).toEqual({ continuation: true, ignoreEog: false });
    expect(parseGenerateOptions({ continuation: 'yes' })).toBe('options.continuation must be true or false');
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

  it('checks usage values: numbers, and an energy counter or null', () => {
    const usage = { pid: 7, cpuMs: 12.5, rssBytes: 1e8, baseRssBytes: 5e7, modelBytes: 3e7, energy: null };
    expect(isResultValue('usage', usage)).toBe(true);
    expect(isResultValue('usage', { ...usage, energy: { scope: 'package', joules: 3.25 } })).toBe(true);
    expect(isResultValue('usage', { ...usage, energy: { scope: 'process', joules: 0.5 } })).toBe(true);
    expect(isResultValue('usage', { ...usage, energy: { scope: 'system', joules: 1 } })).toBe(false);
    expect(isResultValue('usage', { ...usage, energy: { scope: 'package', joules: Number.NaN } })).toBe(false);
    expect(isResultValue('usage', { ...usage, energy: undefined })).toBe(false);
    expect(isResultValue('usage', { ...usage, cpuMs: '12' })).toBe(false);
    expect(isResultValue('usage', { ...usage, pid: -1 })).toBe(false);
    expect(isResultValue('usage', null)).toBe(false);
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

/** A result the host accepts for a load (the fields isLoadedInfo checks). */
const LOADED = {
  description: { arch: 'fake', hparams: {}, tensors: [] },
  tokenizer: { present: true, bos: 1, eos: 2, eot: 2, addBos: true },
  nCtx: 64,
  specialTokens: [],
};
const USAGE = { pid: 1, cpuMs: 5, rssBytes: 2e7, baseRssBytes: 1e7, modelBytes: null, energy: null };

function fakeHost(logs: string[] = []): { host: ReturnType<typeof createEngineHost>; procs: FakeProcess[] } {
  const procs: FakeProcess[] = [];
  const host = createEngineHost({
    launch: () => {
      const p = new FakeProcess();
      procs.push(p);
      return p;
    },
    log: (m) => logs.push(m),
  });
  return { host, procs };
}

/** Makes the process ready and answers the host's load. */
async function loadModel(host: ReturnType<typeof createEngineHost>, proc: FakeProcess): Promise<void> {
  proc.emit({ t: 'ready', pid: proc.pid });
  const loading = host.load({ modelKey: 'm', path: '/m.gguf', nCtx: 64 });
  await vi.waitFor(() => expect(proc.sent.at(-1)).toMatchObject({ t: 'load' }));
  proc.emit({ t: 'result', id: proc.sent.at(-1)!.id, ok: true, value: LOADED });
  await loading;
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

  it('usage waits for ready only: not for a load in flight; a dead process or close rejects it', async () => {
    const { host, procs } = fakeHost();
    const proc = procs[0]!;
    const early = host.usage();
    expect(proc.sent).toEqual([]);
    proc.emit({ t: 'ready', pid: proc.pid });
    expect(proc.sent).toEqual([{ t: 'usage', id: 1 }]);
    proc.emit({ t: 'result', id: 1, ok: true, value: USAGE });
    expect(await early).toEqual(USAGE);

    void host.load({ modelKey: 'm', path: '/m.gguf', nCtx: 64 }).catch(() => undefined);
    await vi.waitFor(() => expect(proc.sent.at(-1)).toMatchObject({ t: 'load' }));
    const during = host.usage();
    expect(proc.sent.at(-1)).toEqual({ t: 'usage', id: 3 });
    proc.emit({ t: 'result', id: 3, ok: true, value: { ...USAGE, energy: { scope: 'package', joules: 2 } } });
    expect((await during).energy).toEqual({ scope: 'package', joules: 2 });

    const malformed = host.usage();
    proc.emit({ t: 'result', id: 4, ok: true, value: { pid: 1 } });
    await expect(malformed).rejects.toMatchObject({ code: 'INTERNAL' });

    const dying = host.usage();
    proc.exit(null, 'SIGKILL');
    await expect(dying).rejects.toBeInstanceOf(EngineCrashedError);
    // Until the new process is started, there is nothing to ask.
    await expect(host.usage()).rejects.toBeInstanceOf(EngineCrashedError);

    await host.close();
    await expect(host.usage()).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('onStart runs just before the generate is sent: a usage asked there goes first; a throwing hook is ignored', async () => {
    const logs: string[] = [];
    const { host, procs } = fakeHost(logs);
    const proc = procs[0]!;
    await loadModel(host, proc);

    const order: string[] = [];
    let sampled: Promise<unknown> | null = null;
    const first = host.generate({
      source: 'ui',
      ids: [1],
      options: {},
      onStart: () => {
        order.push(`start, sent: ${proc.sent.map((m) => m.t).join(' ')}`);
        sampled = host.usage();
      },
    });
    const second = host.generate({
      source: 'ui',
      ids: [1],
      options: {},
      onStart: () => {
        throw new Error('a broken hook');
      },
    });
    expect(order).toEqual(['start, sent: load']);
    expect(proc.sent.map((m) => m.t)).toEqual(['load', 'usage', 'generate']);
    proc.emit({ t: 'result', id: 2, ok: true, value: USAGE });
    expect(await sampled).toEqual(USAGE);
    const result = { stopReason: 'max_tokens', ids: [5], text: 'x', generatedTokens: 1 };
    proc.emit({ t: 'result', id: 3, ok: true, value: result });
    expect(await first).toEqual(result);
    await vi.waitFor(() => expect(proc.sent.map((m) => m.t)).toEqual(['load', 'usage', 'generate', 'generate']));
    proc.emit({ t: 'result', id: 4, ok: true, value: result });
    expect(await second).toEqual(result);
    expect(logs.some((l) => /a start listener failed: Error: a broken hook/.test(l))).toBe(true);
    await host.close();
  });

  it('a request aborted from its own onStart is never sent', async () => {
    const { host, procs } = fakeHost();
    const proc = procs[0]!;
    await loadModel(host, proc);
    const controller = new AbortController();
    const generation = host.generate({ source: 'ui', ids: [1], options: {}, signal: controller.signal, onStart: () => controller.abort() });
    await expect(generation).rejects.toMatchObject({ code: 'CANCELLED' });
    const bench = new AbortController();
    const sweep = { threads: [1], promptLengths: [4], genTokens: 2, repetitions: 1 };
    expect(await host.benchmark(sweep, { signal: bench.signal, onStart: () => bench.abort() })).toEqual([]);
    expect(proc.sent.map((m) => m.t)).toEqual(['load']);
    expect(host.status().pending).toBe(0);
    await host.close();
  });
});

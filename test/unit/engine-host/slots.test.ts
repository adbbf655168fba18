/**
 * KV slots: the local API runs in a context of its own (GenerateOptions.slot 1), so a
 * conversation continued through it reuses its prefix without evicting the UI's, and the other
 * way round. Through the BUILT worker (out/main/engine-worker.js) and the real addon on a
 * fixture model, then on the addon directly: cancel in slot 1, memory() once slot 1 exists,
 * dispose with both slots, the option's checks. Needs `npx electron-vite build` (and the native
 * addon) first; skipped otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGenerateOptions } from '../../../electron/services/engine-host/protocol';
import type { EngineHost, RequestSource } from '../../../electron/services/engine-host/types';
import { type GenerateResult, type NativeModel, loadAddon } from '../../../electron/services/native';
import { built, models, trackedHost } from './helpers';

const [model = ''] = models;
const base = { modelKey: 'a', path: model, nCtx: 512, threads: 1 };
const greedy = { temperature: 0, repeatPenalty: 1, ignoreEog: true };

const TEXT_A = 'Once upon a time, in a small village by the sea, there lived an old fisherman and his cat.';
const TEXT_B = 'Quarterly revenue figures: seven hundred units sold, margins up, shipping costs down again.';

describe('generate option slot (protocol)', () => {
  it('accepts 0 and 1, nothing else', () => {
    expect(parseGenerateOptions({ slot: 0 })).toEqual({ slot: 0 });
    expect(parseGenerateOptions({ slot: 1, maxTokens: 3 })).toEqual({ slot: 1, maxTokens: 3 });
    for (const bad of [2, -1, 0.5, '1', true, null]) expect(parseGenerateOptions({ slot: bad })).toBe('options.slot must be 0 or 1');
  });
});

describe.skipIf(!built || models.length < 1)('KV slots through the engine host (built worker)', () => {
  let host: EngineHost;
  let a: number[];
  let b: number[];

  beforeAll(async () => {
    host = trackedHost().host;
    await host.load(base);
    a = await host.tokenize(TEXT_A, { special: false, addBos: true });
    b = await host.tokenize(TEXT_B, { special: false, addBos: true });
    expect(a.length).toBeGreaterThan(10);
    expect(b.length).toBeGreaterThan(10);
    expect(b[1]).not.toBe(a[1]);  // after BOS the two share nothing
  });

  afterAll(async () => {
    await host?.close();
  });

  const run = (source: RequestSource, ids: number[], maxTokens = 6): Promise<GenerateResult> =>
    host.generate({ source, ids, options: { ...greedy, maxTokens } });

  /** The sequence a turn leaves in its slot, and a next user turn after it. */
  const followUp = (prompt: number[], reply: GenerateResult, more: number[]): number[] => [...prompt, ...reply.ids, ...more];

  it("an API conversation in between leaves the UI's prefix cached, and keeps its own", async () => {
    const more = (await host.tokenize(' And then?', { special: false, addBos: false })).slice(0, 4);
    // A fresh start for both slots: unrelated sequences (one token in common at most).
    await run('ui', b.slice(0, 3), 1);
    await run('api', a.slice(0, 3), 1);

    const ui1 = await run('ui', a);
    expect(ui1.promptTokensReused).toBeLessThanOrEqual(1);
    const api1 = await run('api', b);
    expect(api1.promptTokensReused).toBeLessThanOrEqual(1);

    const uiNext = followUp(a, ui1, more);
    const ui2 = await run('ui', uiNext);
    expect(ui2.promptTokensReused).toBeGreaterThanOrEqual(a.length);
    expect(ui2.promptTokensComputed).toBe(uiNext.length - ui2.promptTokensReused);

    const apiNext = followUp(b, api1, more);
    const api2 = await run('api', apiNext);
    expect(api2.promptTokensReused).toBeGreaterThanOrEqual(b.length);
    expect(api2.promptTokensComputed).toBe(apiNext.length - api2.promptTokensReused);
  });

  it('one slot (both requests from the UI): the unrelated request in between evicts the prefix', async () => {
    const more = (await host.tokenize(' And then?', { special: false, addBos: false })).slice(0, 4);
    const first = await run('ui', a);
    await run('ui', b);
    const again = await run('ui', followUp(a, first, more));
    expect(again.promptTokensReused).toBeLessThanOrEqual(1);
    expect(again.promptTokensReused).toBeLessThan(a.length);
  });

  it("the same request gives the same reply in either slot (slot 1 is made with slot 0's settings)", async () => {
    await run('ui', b.slice(0, 2), 1);
    await run('api', b.slice(0, 2), 1);
    const ui = await run('ui', a, 12);
    const api = await run('api', a, 12);
    expect(api.ids).toEqual(ui.ids);
    expect(api.promptTokensReused).toBeLessThanOrEqual(1);
  });

  it('an API request in slot 1 can be cancelled; both slots work after it', async () => {
    const controller = new AbortController();
    let tokens = 0;
    const result = await host.generate({
      source: 'api',
      ids: b,
      options: { ...greedy, maxTokens: 400 },
      signal: controller.signal,
      onToken: () => {
        if (++tokens === 2) controller.abort();
      },
    });
    expect(result.stopReason).toBe('cancelled');
    expect(result.generatedTokens).toBeLessThan(400);
    expect((await run('api', b, 2)).generatedTokens).toBe(2);
    expect((await run('ui', a, 2)).generatedTokens).toBe(2);
  });
});

describe.skipIf(!built || models.length < 1)('KV slots in the addon', () => {
  let m: NativeModel | null = null;

  afterAll(async () => {
    await m?.dispose();
  });

  it('slot 1 is made by its first use: memory() grows by a KV cache and scratch, and counts it', async () => {
    const addon = loadAddon();
    m = await addon.Model.load(model, { nCtx: 256, threads: 1 });
    const ids = await m.tokenize(TEXT_A);
    const before = m.memory();
    expect(before).toMatchObject({ slots: 1, nPastApi: 0, nPast: 0 });
    await m.generate(ids, { ...greedy, maxTokens: 3 });
    expect(m.memory()).toMatchObject({ slots: 1, nPastApi: 0, kvCache: before.kvCache, total: before.total });
    const r = await m.generate(ids, { ...greedy, maxTokens: 3, slot: 1 });
    expect(r.promptTokensReused).toBe(0);  // slot 0's cache is not slot 1's
    const after = m.memory();
    expect(after.slots).toBe(2);
    expect(after.kvCache).toBe(2 * before.kvCache);
    expect(after.scratch).toBeGreaterThan(before.scratch);
    expect(after.total).toBe(before.total + after.kvCache - before.kvCache + after.scratch - before.scratch);
    expect(after.weights).toBe(before.weights);
    expect(after.nPastApi).toBeGreaterThanOrEqual(ids.length);
    expect(after.nPast).toBeGreaterThanOrEqual(ids.length);
    // The second request in slot 1 reuses its own prefix.
    expect((await m.generate(ids, { ...greedy, maxTokens: 1, slot: 1 })).promptTokensReused).toBeGreaterThanOrEqual(ids.length - 1);
  });

  it('cancel() stops a generation in slot 1; one request at a time across the slots', async () => {
    const ids = await m!.tokenize(TEXT_B);
    let n = 0;
    const running = m!.generate(ids, { ...greedy, maxTokens: 150, slot: 1 }, () => {
      if (++n === 2) m!.cancel();
    });
    expect(() => m!.generate(ids, { ...greedy, maxTokens: 1 })).toThrow(expect.objectContaining({ code: 'BUSY' }) as Error);
    const r = await running;
    expect(r.stopReason).toBe('cancelled');
    expect(r.generatedTokens).toBeLessThan(150);
  });

  it('setThreads with both slots made: slot 1 keeps its cache and gives the same reply', async () => {
    const ids = await m!.tokenize(TEXT_A);
    const one = await m!.generate(ids, { ...greedy, maxTokens: 6, slot: 1 });
    m!.setThreads(2);
    expect(m!.threads).toBe(2);
    const two = await m!.generate([...ids, 1], { ...greedy, maxTokens: 1, slot: 1 });
    expect(two.promptTokensReused).toBeGreaterThanOrEqual(ids.length);
    expect((await m!.generate(ids, { ...greedy, maxTokens: 6, slot: 1 })).ids).toEqual(one.ids);
  });

  it('rejects a slot other than 0 or 1', () => {
    for (const slot of [2, -1, 0.5]) {
      expect(() => m!.generate([1, 2], { slot } as never)).toThrow(/slot must be a whole number in \[0, 1\]/);
    }
    expect(() => m!.generate([1, 2], { slot: '1' } as never)).toThrow(/slot must be a number/);
  });

  it('dispose frees a model that used both slots, also mid-generation in slot 1', async () => {
    const addon = loadAddon();
    const own = await addon.Model.load(model, { nCtx: 256, threads: 1 });
    const ids = await own.tokenize(TEXT_A);
    await own.generate(ids, { ...greedy, maxTokens: 2 });
    await own.generate(ids, { ...greedy, maxTokens: 2, slot: 1 });
    expect(own.memory().slots).toBe(2);
    let disposed: Promise<void> | null = null;
    const running = own.generate(ids, { ...greedy, maxTokens: 150, slot: 1 }, () => {
      disposed ??= own.dispose();
    });
    expect((await running).stopReason).toBe('cancelled');
    await disposed;
    expect(() => own.memory()).toThrow(expect.objectContaining({ code: 'DISPOSED' }) as Error);
    await own.dispose();  // twice is fine
    await m!.dispose();
    m = null;
  });
});

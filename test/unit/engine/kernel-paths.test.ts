/**
 * The kernel paths through the real addon: kernelPaths(), cpuInfo().kernels and the kernels of an
 * inspected or loaded model name paths the engine knows, agree with each other, and with what a
 * loaded model runs (model.isa: the table, whose own decode kernel it is unless the table
 * borrows it: amx decodes on avx512 code).
 * Needs `npm run build:native` first.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../../electron/services/native';

const root = resolve(__dirname, '../../..');
const model = join(root, 'test/fixtures/models/synth-bitnet-b1.58-i2_s.gguf');
const built = existsSync(join(root, 'build/native/Release/tern.node'));
const KNOWN = ['scalar', 'avx2', 'avxvnni', 'avx512', 'amx', 'neon'];

describe.skipIf(!built)('kernel paths', () => {
  const addon = built ? loadAddon() : undefined;
  /** The paths this CPU and build run (the others are refused). */
  const available = (): string[] =>
    KNOWN.filter((isa) => {
      try {
        addon!.kernelPaths({ isa });
        return true;
      } catch {
        return false;
      }
    });

  it('names known paths; cpuInfo and inspect report the default ones', async () => {
    const paths = addon!.kernelPaths();
    expect(KNOWN).toContain(paths.decode);
    expect(KNOWN).toContain(paths.prefill);
    expect(addon!.cpuInfo().kernels).toEqual(paths);
    expect((await addon!.inspect(model)).kernels).toEqual(paths);
    expect(available()).toContain('scalar');
    expect(addon!.kernelPaths({ isa: 'scalar' })).toEqual({ decode: 'scalar', prefill: 'scalar' });
  });

  it('refuses a path this machine lacks, and bad options', () => {
    expect(() => addon!.kernelPaths({ isa: 'sse9' })).toThrow(/sse9/);
    for (const isa of KNOWN.filter((i) => !available().includes(i))) expect(() => addon!.kernelPaths({ isa })).toThrow();
    expect(() => addon!.kernelPaths({ isa: 3 as unknown as string })).toThrow(TypeError);
    expect(() => addon!.kernelPaths({ nBatch: -1 })).toThrow(TypeError);
  });

  it('agrees with what a loaded model runs, on every available path', async () => {
    for (const isa of [undefined, ...available()]) {
      const loaded = await addon!.Model.load(model, { nCtx: 64, threads: 1, ...(isa ? { isa } : {}) });
      try {
        const paths = addon!.kernelPaths(isa ? { isa } : {});
        expect(loaded.info().kernels).toEqual(paths);
        // The table decodes with its own kernel, except amx, which keeps avx512's (and prefills on AMX).
        expect(paths.decode).toBe(loaded.isa === 'amx' ? 'avx512' : loaded.isa);
        expect([paths.decode, paths.prefill]).toContain(loaded.isa);
      } finally {
        await loaded.dispose();
      }
    }
    // One token per micro-batch: prefill runs the decode kernel.
    const single = addon!.kernelPaths({ nBatch: 1 });
    expect(single.prefill).toBe(single.decode);
  });
});

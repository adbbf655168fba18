/**
 * `tern bench` with several prompt lengths (-p 16,32): every thread count at every length, the
 * text table and --json per prompt length, and the single-length output as before. Runs the
 * built command on a fixture model (skipped without the native addon).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { merge, summarize, type BenchReport } from '../../../electron/cli/commands/bench';
import { ensureCliBuilt, root, tern } from './helpers';

const modelDir = join(root, 'test/fixtures/models');
const [model] = existsSync(modelDir)
  ? readdirSync(modelDir)
      .filter((f) => f.endsWith('.gguf'))
      .sort()
      .map((f) => join(modelDir, f))
  : [];
const addonBuilt = existsSync(join(root, 'build/native/Release/tern.node'));

function report(nPrompt: number, threads: number[], extra: Partial<BenchReport> = {}): BenchReport {
  return {
    arch: 'a',
    weightType: 'I2_S',
    headType: 'q8_0',
    headBytes: 1,
    ternaryBytes: 2,
    fileBytes: 2,
    kvCacheBytes: nPrompt,
    weightsBytes: 3,
    loadSeconds: nPrompt / 100,
    memory: { rssBefore: 1, rssAfterLoad: 2, peakAfterLoad: 3, rssEnd: nPrompt, peakEnd: nPrompt },
    runs: threads.map((t) => ({ threads: t, isa: 'avx2', nPrompt, nGen: 4, prefillSeconds: 0.5, firstTokenSeconds: 0.5, decodeSeconds: 1 })),
    ...extra,
  };
}

describe('bench summaries', () => {
  it('merges one report per prompt length and summarizes per prompt length and thread count', () => {
    const merged = merge([report(16, [1, 2]), report(32, [1, 2])]);
    expect(merged.runs).toHaveLength(4);
    expect(merged.loadSeconds).toBe(0.16);
    expect(merged.kvCacheBytes).toBe(32);
    expect(merged.memory).toMatchObject({ rssAfterLoad: 2, rssEnd: 32, peakEnd: 32 });
    const rows = summarize(merged);
    expect(rows.map((r) => [r.nPrompt, r.threads])).toEqual([
      [16, 1],
      [16, 2],
      [32, 1],
      [32, 2],
    ]);
    expect(rows[2]?.prefillTokPerSec?.median).toBe(64);
  });
});

describe.skipIf(!addonBuilt || !model)('tern bench (built command, fixture model)', () => {
  beforeAll(() => ensureCliBuilt(), 180_000);

  it('-p 16,32 --json gives results for both lengths', () => {
    const r = tern(['bench', '-m', model ?? '', '-t', '1', '-p', '16,32', '-n', '4', '-r', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      headBytes: number;
      ternaryBytes: number;
      weightsBytes: number;
      nPrompt: number[];
      nGen: number;
      results: { nPrompt: number; threads: number; prefillTokPerSec: { median: number } | null; decodeTokPerSec: { median: number } | null }[];
      runs: { nPrompt: number; threads: number }[];
    };
    expect(out.nPrompt).toEqual([16, 32]);
    expect(out.nGen).toBe(4);
    // What a decoded token reads (npm run bench's bytes-per-token line): the projections and the head.
    expect(out.ternaryBytes).toBeGreaterThan(0);
    expect(out.ternaryBytes + out.headBytes).toBeLessThanOrEqual(out.weightsBytes);
    expect(out.results.map((x) => [x.nPrompt, x.threads])).toEqual([
      [16, 1],
      [32, 1],
    ]);
    for (const x of out.results) {
      expect(x.prefillTokPerSec?.median).toBeGreaterThan(0);
      expect(x.decodeTokPerSec?.median).toBeGreaterThan(0);
    }
    expect(out.runs.map((x) => x.nPrompt)).toEqual([16, 32]);
  });

  it('the text table has a prompt column with several lengths, and stays as it was with one', () => {
    const several = tern(['bench', '-m', model ?? '', '-t', '1', '-p', '8,16', '-n', '2', '-r', '1']);
    expect(several.status).toBe(0);
    expect(several.stdout).toMatch(/prompt 8,16, generate 2, 1 repetitions/);
    expect(several.stdout).toMatch(/^ prompt {2}threads {2}path/m);
    expect(several.stdout).toMatch(/^ {6}8 {8}1 {2}\S+/m);
    expect(several.stdout).toMatch(/^ {5}16 {8}1 {2}\S+/m);

    const one = tern(['bench', '-m', model ?? '', '-t', '1', '-p', '8', '-n', '2', '-r', '1', '--json']);
    expect(one.status).toBe(0);
    const out = JSON.parse(one.stdout) as { nPrompt: unknown; results: unknown[] };
    expect(out.nPrompt).toBe(8);
    expect(out.results).toHaveLength(1);
    const text = tern(['bench', '-m', model ?? '', '-t', '1', '-p', '8', '-n', '2', '-r', '1']);
    expect(text.stdout).toMatch(/prompt 8, generate 2, 1 repetitions/);
    expect(text.stdout).toMatch(/^threads {2}path/m);
  });

  it('refuses a bad prompt list', () => {
    for (const p of ['16,', '16,-1', 'x', '16,70000']) {
      const r = tern(['bench', '-m', model ?? '', '-p', p]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^tern bench: -p must be a whole number from 0 to 65536, got '/);
    }
    expect(tern(['bench', '-m', model ?? '', '-p', '16,0', '-n', '0']).stderr).toMatch(/must not both be 0/);
  });
});

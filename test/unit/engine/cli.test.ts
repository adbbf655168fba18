/**
 * The engine commands of the built CLI (out/main/cli.js via bin/tern.cjs) against the fixtures:
 * inspect, logits (agreement with the NumPy reference), run (greedy ids = the peer's while the
 * margin is large), synth (deterministic, loadable), and errors with their codes.
 * Needs `npx cmake-js compile --out build/native` and `npx electron-vite build` first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'bin/tern.cjs');
const fixtures = join(root, 'test/fixtures');
const built = existsSync(join(root, 'out/main/cli.js')) && existsSync(join(root, 'build/native/Release/tern.node'));
const tmp = mkdtempSync(join(tmpdir(), 'tern-engine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function f32(b: Buffer): Float32Array {
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function tern(args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
}

interface Ref {
  model: string;
  hparams: { n_vocab: number; arch: string; lm_head: string };
  prompts: {
    name: string;
    prompt_ids: number[];
    peer: { greedy_ids: number[]; greedy_margin: number[] };
    numpy_f64: { logits_file: string };
    greedy_checked_prefix_len: number;
  }[];
}

const refs: Ref[] = existsSync(join(fixtures, 'refs'))
  ? readdirSync(join(fixtures, 'refs'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(fixtures, 'refs', f), 'utf8')) as Ref)
  : [];

describe.skipIf(!built)('tern engine commands', () => {
  it('inspect --json describes every fixture model', () => {
    for (const ref of refs) {
      const d = JSON.parse(tern(['inspect', join(fixtures, ref.model), '--ctx', '512', '--json']));
      expect(d.arch).toBe(ref.hparams.arch);
      expect(d.hparams.nVocab).toBe(ref.hparams.n_vocab);
      expect(d.headTensor).toBe(ref.hparams.lm_head);
      expect(d.memory.nCtx).toBe(512);
      expect(d.metadata.some((kv: { key: string }) => kv.key === 'tokenizer.ggml.tokens')).toBe(true);
    }
  });

  it('logits --dump agrees with the float64 reference (cosine >= 0.995, max diff <= 1.5)', () => {
    for (const ref of refs) {
      const p = ref.prompts[0]!;
      const out = join(tmp, 'logits.f32');
      const j = JSON.parse(tern(['logits', '-m', join(fixtures, ref.model), '--ids', p.prompt_ids.join(','), '--dump', out, '--json']));
      expect(j.nVocab).toBe(ref.hparams.n_vocab);
      const ours = f32(readFileSync(out));
      const np = f32(readFileSync(join(fixtures, p.numpy_f64.logits_file)));
      expect(ours.length).toBe(np.length);
      let dot = 0, a = 0, b = 0, max = 0;
      for (let i = 0; i < np.length; i++) {
        dot += ours[i]! * np[i]!;
        a += ours[i]! * ours[i]!;
        b += np[i]! * np[i]!;
        max = Math.max(max, Math.abs(ours[i]! - np[i]!));
      }
      expect(dot / Math.sqrt(a * b)).toBeGreaterThanOrEqual(0.995);
      expect(max).toBeLessThanOrEqual(1.5);
    }
  });

  it('run --temp 0 follows the peer greedy ids for the checked prefix, for 1 and 2 threads', () => {
    for (const ref of refs) {
      for (const p of ref.prompts) {
        const n = p.greedy_checked_prefix_len;
        if (n === 0) continue;
        for (const t of ['1', '2']) {
          const j = JSON.parse(tern(['run', '-m', join(fixtures, ref.model), '--ids', p.prompt_ids.join(','), '-n', String(n), '--temp', '0', '--ignore-eos', '-t', t, '--json']));
          expect(j.ids).toEqual(p.peer.greedy_ids.slice(0, n));
        }
      }
    }
  });

  it('synth writes the same bytes for the same seed, and the model runs', () => {
    const a = join(tmp, 'a.gguf');
    const b = join(tmp, 'b.gguf');
    const args = ['--arch', 'bitnet-25', '--format', 'TQ2_0', '--shape', 'embd=256,layers=2,heads=4,kv=2,ff=512,vocab=300,ctx=128', '--seed', '7'];
    tern(['synth', ...args, '-o', a]);
    tern(['synth', ...args, '-o', b]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const d = JSON.parse(tern(['inspect', a, '--json']));
    expect(d.arch).toBe('bitnet-25');
    expect(d.weightType).toBe('TQ2_0');
    expect(d.tiedHead).toBe(false);
    const r1 = JSON.parse(tern(['run', '-m', a, '--ids', '295,1,2', '-n', '5', '--ignore-eos', '--json']));
    const r2 = JSON.parse(tern(['run', '-m', b, '--ids', '295,1,2', '-n', '5', '-t', '1', '--ignore-eos', '--json']));
    expect(r1.ids).toHaveLength(5);
    expect(r1.ids).toEqual(r2.ids);
  });

  it('synth --arch llama (Falcon3 / Llama3-8B layout): eps from the shape, a separate head, no sub-norms; the model runs', () => {
    const a = join(tmp, 'llama.gguf');
    tern(['synth', '--arch', 'llama', '--shape', 'embd=256,layers=2,heads=2,kv=1,ff=512,vocab=300,ctx=128,theta=1000042,eps=1e-6', '--seed', '3', '-o', a]);
    const d = JSON.parse(tern(['inspect', a, '--json']));
    expect(d.arch).toBe('llama');
    expect(d.tiedHead).toBe(false);
    expect(d.hparams.headDim).toBe(128);
    expect(d.hparams.rmsEps).toBeCloseTo(1e-6, 9);
    expect(d.hparams.ropeTheta).toBe(1000042);
    const names = (d.tensors as { name: string }[]).map((t) => t.name);
    expect(names).toContain('output.weight');
    expect(names.filter((n) => n.includes('sub_norm'))).toEqual([]);
    const r = JSON.parse(tern(['run', '-m', a, '--ids', '295,1,2', '-n', '4', '--ignore-eos', '--json']));
    expect(r.ids).toHaveLength(4);
  });

  it('inspect says plainly that a vocabulary-only file holds a tokenizer and no weights', () => {
    for (const file of readdirSync(join(fixtures, 'tokenizer')).filter((f) => f.endsWith('.gguf'))) {
      const r = spawnSync(process.execPath, [bin, 'inspect', join(fixtures, 'tokenizer', file)], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/a tokenizer only \(gpt2, 128256 tokens\): no weights, so it cannot be run/);
      expect(r.stdout).not.toMatch(/M parameters|^tensors/m);
      expect(r.stdout).toContain('tokenizer.ggml.model = gpt2');
      expect(JSON.parse(tern(['inspect', join(fixtures, 'tokenizer', file), '--json'])).tokenizerOnly).toBe(true);
    }
    const model = JSON.parse(tern(['inspect', join(fixtures, refs[0]!.model), '--json']));
    expect(model.tokenizerOnly).toBe(false);
  });

  it('run -t 0 uses all hardware threads', () => {
    const j = JSON.parse(tern(['run', '-m', join(fixtures, refs[0]!.model), '--ids', '1,2', '-n', '1', '-t', '0', '--json']));
    expect(j.threads).toBe(Math.max(1, cpus().length || availableParallelism()));
  });

  it('errors name the problem and exit non-zero', () => {
    const bad = spawnSync(process.execPath, [bin, 'inspect', join(root, 'package.json')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/not a GGUF file.*FORMAT/);
    const ref = refs[0]!;
    const oob = spawnSync(process.execPath, [bin, 'logits', '-m', join(fixtures, ref.model), '--ids', String(ref.hparams.n_vocab)], {
      encoding: 'utf8',
    });
    expect(oob.status).toBe(1);
    expect(oob.stderr).toMatch(/outside the vocabulary.*INVALID_ARGUMENT/);
  });
});

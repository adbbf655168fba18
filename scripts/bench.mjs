#!/usr/bin/env node
// npm run bench: the standard speed set on the 2B4T-shape model (or another shape).
//  1. makes the synthetic I2_S model of the shape once (tern synth, cached in ~/.cache/tern/,
//     outside the repository; TERN_BENCH_MODEL=FILE uses another file);
//  2. runs `tern bench -t 1,2 -p 128 -n 64 -r 3` for each head format (q8_0, the default;
//     q6_k; f16, the file's table);
//  3. runs the kernel micro-benchmark (GEMV GB/s beside the measured read bandwidth), building
//     it first in build/bench if needed.
// Options: --shape 2b4t|falcon3-1b|falcon3-3b|falcon3-7b|llama3-8b (tern synth's shapes: the
// falcon3 and llama3 ones are the llama architecture with a separate head), --reps N,
// --heads q8_0,f16, --no-kernels, --peer PATH (a llama-bench binary run on the same file in the
// same session, for ratios), --json FILE (everything as JSON).
//   npm run bench -- --shape falcon3-1b
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const reps = opt('--reps', '3');
const shape = opt('--shape', '2b4t');
// The architecture each shape is of, and its size on disk (for the one-time message).
const SHAPES = {
  '2b4t': { arch: 'bitnet-b1.58', gb: 1.19 },
  'falcon3-1b': { arch: 'llama', gb: 1.36 },
  'falcon3-3b': { arch: 'llama', gb: 2.2 },
  'falcon3-7b': { arch: 'llama', gb: 3.3 },
  'llama3-8b': { arch: 'llama', gb: 3.9 },
};
if (!SHAPES[shape]) {
  console.error(`unknown --shape ${shape}: one of ${Object.keys(SHAPES).join(', ')}`);
  process.exit(2);
}
const heads = opt('--heads', 'q8_0,q6_k,f16').split(',');
const peer = opt('--peer', null);
const jsonOut = opt('--json', null);
const tern = join(root, 'bin', 'tern.cjs');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) {
    process.stderr.write(r.stderr || '');
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  }
  return r.stdout;
}

// 1. The model.
const model = process.env.TERN_BENCH_MODEL || join(homedir(), '.cache', 'tern', `synth-${shape}-i2_s.gguf`);
if (!existsSync(model)) {
  mkdirSync(dirname(model), { recursive: true });
  const tmp = `${model}.${process.pid}.tmp`;
  console.log(`making ${model} (tern synth, a minute or more, about ${SHAPES[shape].gb} GB) ...`);
  run(process.execPath, [tern, 'synth', '--arch', SHAPES[shape].arch, '--format', 'i2_s', '--shape', shape, '--seed', '1', '-o', tmp], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  renameSync(tmp, model);
}
console.log(`model: ${model} (${(statSync(model).size / 1e9).toFixed(2)} GB)\n`);

// 2. The engine, per head format.
const results = [];
console.log('| engine, head | threads | path | prefill 128 tok/s, median (min..max) | decode 64 tok/s, median (min..max) | TTFT ms | RSS after load / peak / end |');
console.log('|---|---:|---|---|---|---:|---|');
const mb = (n) => `${(n / 1048576).toFixed(0)} MiB`;
const fmt = (s, d) => (s ? `${s.median.toFixed(d)} (${s.min.toFixed(d)}..${s.max.toFixed(d)})` : '-');
for (const head of heads) {
  const out = run(process.execPath, [tern, 'bench', '-m', model, '-t', '1,2', '-p', '128', '-n', '64', '-r', reps, '--head', head, '--json']);
  const r = JSON.parse(out);
  results.push(r);
  for (const row of r.results)
    console.log(
      `| tern, ${r.head} (${mb(r.headBytes)}) | ${row.threads} | ${row.isa} | ${fmt(row.prefillTokPerSec, 1)} | ${fmt(row.decodeTokPerSec, 2)} | ${row.timeToFirstTokenMs ? row.timeToFirstTokenMs.median.toFixed(0) : '-'} | ${mb(r.memory.rssAfterLoad)} / ${mb(r.memory.peakEnd)} / ${mb(r.memory.rssEnd)} |`,
    );
}

// Optional: a peer's llama-bench on the same file, same session.
let peerOut = null;
if (peer) {
  peerOut = run(peer, ['-m', model, '-p', '128', '-n', '64', '-t', '2', '-r', reps]);
  console.log(`\npeer (${peer}):\n${peerOut.split('\n').filter((l) => l.startsWith('|')).join('\n')}`);
}

// 3. Kernel micro-benchmark.
let kernelOut = null;
if (!argv.includes('--no-kernels')) {
  const build = join(root, 'build', 'bench');
  const exe = join(build, 'native', 'kernel_bench');
  if (!existsSync(exe)) {
    run('cmake', ['-S', root, '-B', build, '-DTERN_BUILD_BENCH=ON', '-DCMAKE_BUILD_TYPE=Release'], { stdio: 'ignore' });
    run('cmake', ['--build', build, '-j', '2', '--target', 'kernel_bench'], { stdio: 'ignore' });
  }
  kernelOut = run(exe, [], { env: { ...process.env, TERN_BENCH_RUNS: process.env.TERN_BENCH_RUNS || '3' } });
  console.log(`\nkernel micro-benchmark:\n${kernelOut}`);
}

// Bytes per token against the bandwidth floor, per head format.
const bw = kernelOut && /read bandwidth: 1 thread ([\d.]+) GB\/s, 2 threads ([\d.]+) GB\/s/.exec(kernelOut);
if (bw) {
  for (const r of results) {
    // Read per decoded token: every ternary projection and the whole head (a separate
    // output.weight, or the tied embedding in the head's format); of an untied embedding, one row.
    const ternary = r.ternaryBytes;
    const perToken = ternary + r.headBytes;
    const floor = (Number(bw[2]) * 1e9) / perToken;
    console.log(
      `head ${r.head}: ~${(perToken / 1e6).toFixed(0)} MB read per token (ternary ${(ternary / 1e6).toFixed(0)} MB + head ${(r.headBytes / 1e6).toFixed(0)} MB); at ${bw[2]} GB/s (2 threads) the floor is ${floor.toFixed(1)} tok/s`,
    );
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ model, engine: results, peer: peerOut, kernels: kernelOut }, null, 2));

#!/usr/bin/env node
// Measures the delay from cancel() to the generate() promise settling, during prefill and during
// decode, on a 2B4T-shaped model (median of several runs). Not a test: prints figures.
//   node scripts/cancel-latency.mjs [MODEL] [--runs N] [--threads T]
// MODEL defaults to ~/.cache/tern/synth-2b4t-i2_s.gguf; make it once with
//   node bin/tern.cjs synth --arch bitnet-b1.58 --format i2_s --shape 2b4t --seed 1 -o ~/.cache/tern/synth-2b4t-i2_s.gguf
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(new URL('..', import.meta.url).pathname);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' }, threads: { type: 'string', default: '0' } },
});
const modelPath = positionals[0] ?? join(homedir(), '.cache/tern/synth-2b4t-i2_s.gguf');
if (!existsSync(modelPath)) {
  console.error(`${modelPath} is missing; make it with: node bin/tern.cjs synth --arch bitnet-b1.58 --format i2_s --shape 2b4t --seed 1 -o ${modelPath}`);
  process.exit(1);
}
const addon = createRequire(import.meta.url)(process.env.TERN_ADDON ?? join(root, 'build/native/Release/tern.node'));
const runs = Number(values.runs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

const t0 = process.hrtime.bigint();
const model = await addon.Model.load(modelPath, { nCtx: 2048, threads: Number(values.threads) });
console.log(`loaded ${modelPath} in ${(ms(t0) / 1000).toFixed(1)} s (${model.isa}, ${model.threads} threads)`);
const prompt = Array.from({ length: 1024 }, (_, i) => 1000 + ((i * 7919) % 100000));
const settings = { temperature: 0, repeatPenalty: 1, ignoreEog: true };

// Prefill: a fresh 1024-token prompt each run (a different first token, so nothing is reused);
// cancel 300 ms in, while the micro-batches run.
const prefill = [];
for (let r = 0; r < runs; r++) {
  const ids = [r + 1, ...prompt];
  const p = model.generate(ids, { ...settings, maxTokens: 4 });
  await new Promise((res) => setTimeout(res, 300));
  const t = process.hrtime.bigint();
  model.cancel();
  const out = await p;
  const d = ms(t);
  if (out.stopReason !== 'cancelled' || out.generatedTokens > 0) console.log(`  run ${r}: prefill finished before the cancel`);
  else prefill.push(d);
}
// Decode: cancel after a few generated tokens, at a random point within a token.
const decode = [];
for (let r = 0; r < runs; r++) {
  let seen = 0;
  let t = 0n;
  let wait;
  const started = new Promise((res) => (wait = res));
  const p = model.generate([r + 1, 2, 3, 4], { ...settings, maxTokens: 1000 }, () => {
    if (++seen === 3) wait();
  });
  await started;
  await new Promise((res) => setTimeout(res, 10 + 13 * r));
  t = process.hrtime.bigint();
  model.cancel();
  const out = await p;
  decode.push(ms(t));
  if (out.stopReason !== 'cancelled') console.log(`  run ${r}: ended with ${out.stopReason}`);
}
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})`;
console.log(`cancel during prefill: ${prefill.length ? fmt(prefill) : 'no run was cancelled in prefill'}`);
console.log(`cancel during decode:  ${fmt(decode)}`);
await model.dispose();

#!/usr/bin/env node
// Head agreement: logits with a requantized LM head (q8_0, q6_k) against the file's F16 head —
// cosine, top-1 agreement and KL(F16 || quantized) of the softmax — on every fixture model and
// prompt (test/fixtures/refs/*.json: last-position logits of each prompt_ids, plus every
// position along the peer's greedy continuation), and on the 2B4T-shape model when it is
// cached (~/.cache/tern/synth-2b4t-i2_s.gguf; prompts of pseudo-random ids).
//   node scripts/head-agreement.mjs [--json] [--big FILE] [--no-big]
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const addonPath = join(root, 'build', 'native', 'Release', 'tern.node');
if (!existsSync(addonPath)) {
  console.error(`head-agreement: ${addonPath} is missing; run npm run build:native`);
  process.exit(1);
}
const native = require(addonPath);
const args = process.argv.slice(2);
const json = args.includes('--json');
const bigIdx = args.indexOf('--big');
const big = args.includes('--no-big') ? null : bigIdx >= 0 ? args[bigIdx + 1] : join(homedir(), '.cache', 'tern', 'synth-2b4t-i2_s.gguf');
const heads = ['q8_0', 'q6_k'];

function compare(a, b) {
  let dot = 0, na = 0, nb = 0, ta = 0, tb = 0;
  for (let i = 0; i < a.length; ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
    if (a[i] > a[ta]) ta = i;
    if (b[i] > b[tb]) tb = i;
  }
  // KL(p || q) with p = softmax(a) (the F16 head), q = softmax(b), in nats.
  const ma = a[ta], mb = b[tb];
  let za = 0, zb = 0;
  for (let i = 0; i < a.length; ++i) {
    za += Math.exp(a[i] - ma);
    zb += Math.exp(b[i] - mb);
  }
  const lza = Math.log(za), lzb = Math.log(zb);
  let kl = 0;
  for (let i = 0; i < a.length; ++i) {
    const lp = a[i] - ma - lza, lq = b[i] - mb - lzb;
    kl += Math.exp(lp) * (lp - lq);
  }
  return { cosine: dot / Math.sqrt(na * nb), top1: ta === tb, kl: Math.max(0, kl) };
}

// Every case: a list of id sequences whose last-position logits are compared.
function fixtureCases() {
  const dir = join(root, 'test', 'fixtures', 'refs');
  const out = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const ref = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const seqs = [];
    for (const p of ref.prompts) {
      const ids = p.prompt_ids;
      seqs.push(ids);
      const greedy = (p.peer && p.peer.greedy_ids) || [];
      for (let k = 1; k < Math.min(greedy.length, 16); ++k) seqs.push([...ids, ...greedy.slice(0, k)]);
    }
    out.push({ name: ref.model.replace(/^models\//, ''), file: join(root, 'test', 'fixtures', ref.model), seqs });
  }
  return out;
}

function bigCase(file) {
  let s = 1n;
  const next = (n) => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number((s >> 33n) % BigInt(n));
  };
  const seqs = [];
  for (let p = 0; p < 8; ++p) seqs.push(Array.from({ length: 8 + 4 * p }, () => next(128000)));
  return { name: 'synth-2b4t-i2_s.gguf (2B4T shape)', file, seqs };
}

async function logitsFor(file, head, seqs) {
  const model = await native.Model.load(file, { threads: 2, head, nCtx: Math.max(...seqs.map((s) => s.length)) + 1 });
  try {
    const out = [];
    for (const ids of seqs) out.push(Float32Array.from(await model.logits(ids)));
    return out;
  } finally {
    model.dispose();
  }
}

const cases = fixtureCases();
if (big && existsSync(big)) cases.push(bigCase(big));
const rows = [];
for (const c of cases) {
  const ref = await logitsFor(c.file, 'f16', c.seqs);
  for (const head of heads) {
    const got = await logitsFor(c.file, head, c.seqs);
    const stats = ref.map((r, i) => compare(r, got[i]));
    rows.push({
      model: c.name,
      head,
      positions: stats.length,
      cosineMin: Math.min(...stats.map((s) => s.cosine)),
      cosineMean: stats.reduce((a, s) => a + s.cosine, 0) / stats.length,
      top1Agree: stats.filter((s) => s.top1).length,
      klMean: stats.reduce((a, s) => a + s.kl, 0) / stats.length,
      klMax: Math.max(...stats.map((s) => s.kl)),
    });
  }
}
if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log('| model | head | positions | cosine min | cosine mean | top-1 agree | KL mean (nats) | KL max |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.model} | ${r.head} | ${r.positions} | ${r.cosineMin.toFixed(5)} | ${r.cosineMean.toFixed(5)} | ${r.top1Agree}/${r.positions} | ${r.klMean.toExponential(2)} | ${r.klMax.toExponential(2)} |`,
    );
}

/** `tern synth`: deterministic synthetic models laid out like the official BitNet files. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, type Command, intOption, parse } from '../args';
import type { SynthOptions } from '../../services/native';
import { addon, engineCall } from './engine-common';

const help = `usage: tern synth --arch A --format F --shape SPEC --seed S -o FILE [--vocab GGUF]

Writes a deterministic model with random ternary weights: the same options always give the
same bytes. Laid out like Microsoft's ggml-model-i2_s.gguf (same keys in the same order, same
tensor order; the I2_S tail is the scale then zeros).

options:
  --arch A       bitnet-b1.58 (default), bitnet-25 (adds a separate output.weight), bitnet (SiLU FFN),
                 llama (Falcon3 / Llama3-8B 1.58-bit: SiLU FFN, no sub-norms, separate output.weight;
                 the default for the falcon3-* and llama3-8b shapes)
  --format F     I2_S (default), TQ1_0, TQ2_0
  --shape SPEC   2b4t (the full BitNet b1.58 2B4T shape, Llama 3 vocabulary), falcon3-1b, falcon3-3b,
                 falcon3-7b (Falcon3-1.58bit shapes, head size 256, a synthetic 131072-token
                 vocabulary), llama3-8b (Llama3-8B-1.58, Llama 3 vocabulary), tiny (the fixtures'
                 shape), or key=value pairs: embd, layers, heads, kv, ff, vocab, ctx, theta, eps
                 (e.g. embd=256,layers=4,heads=4,kv=2,ff=768,vocab=511,ctx=4096); default tiny
  --seed S       the random seed (default 1)
  --vocab GGUF   copy the tokenizer keys of this file (its vocabulary size must equal vocab); 2b4t and llama3-8b use
                 test/fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf unless given
  -o FILE        the output file`;

type Shape = Omit<SynthOptions, 'arch' | 'format' | 'seed' | 'vocabFrom'>;

const SHAPES: { [name: string]: Shape | undefined; tiny: Shape } = {
  '2b4t': { nEmbd: 2560, nLayer: 30, nHead: 20, nHeadKv: 5, nFf: 6912, nVocab: 128256, nCtx: 4096, ropeTheta: 500000 },
  // tiiuae/Falcon3-{1B,3B,7B}-Instruct-1.58bit config.json (head_dim 256, rms eps 1e-6).
  'falcon3-1b': { nEmbd: 2048, nLayer: 18, nHead: 8, nHeadKv: 4, nFf: 8192, nVocab: 131072, nCtx: 8192, ropeTheta: 1000042, rmsEps: 1e-6 },
  'falcon3-3b': { nEmbd: 3072, nLayer: 22, nHead: 12, nHeadKv: 4, nFf: 9216, nVocab: 131072, nCtx: 32768, ropeTheta: 1000042, rmsEps: 1e-6 },
  'falcon3-7b': { nEmbd: 3072, nLayer: 28, nHead: 12, nHeadKv: 4, nFf: 23040, nVocab: 131072, nCtx: 32768, ropeTheta: 1000042, rmsEps: 1e-6 },
  // HF1BitLLM/Llama3-8B-1.58-100B-tokens (Llama 3 8B).
  'llama3-8b': { nEmbd: 4096, nLayer: 32, nHead: 32, nHeadKv: 8, nFf: 14336, nVocab: 128256, nCtx: 8192, ropeTheta: 500000, rmsEps: 1e-5 },
  tiny: { nEmbd: 256, nLayer: 4, nHead: 4, nHeadKv: 2, nFf: 768, nVocab: 511, nCtx: 4096, ropeTheta: 500000 },
};

/** Shapes of `llama`-architecture models: --arch defaults to llama for them. */
const LLAMA_SHAPES = new Set(['falcon3-1b', 'falcon3-3b', 'falcon3-7b', 'llama3-8b']);
/** Shapes whose vocabulary is the Llama 3 one (the tokenizer fixture). */
const LLAMA3_VOCAB_SHAPES = new Set(['2b4t', 'llama3-8b']);

const KEYS: Record<string, keyof Shape | undefined> = {
  embd: 'nEmbd',
  layers: 'nLayer',
  heads: 'nHead',
  kv: 'nHeadKv',
  ff: 'nFf',
  vocab: 'nVocab',
  ctx: 'nCtx',
  theta: 'ropeTheta',
  eps: 'rmsEps',
};

export function parseShape(spec: string): Shape {
  const named = SHAPES[spec.toLowerCase()];
  if (named) return { ...named };
  const shape: Shape = { ...SHAPES.tiny };
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=(\d+(?:\.\d+)?(?:e-?\d+)?)$/.exec(part);
    const key = m?.[1] !== undefined ? KEYS[m[1]] : undefined;
    if (!m || key === undefined) throw new CliError(`--shape: '${part}' is not one of ${Object.keys(KEYS).join(', ')} as key=number`);
    shape[key] = Number(m[2]);
  }
  return shape;
}

function fixtureVocab(): string | undefined {
  const candidates = [resolve(__dirname, '../../test/fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf'),
    resolve(process.cwd(), 'test/fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf')];
  return candidates.find((p) => existsSync(p));
}

export const synth: Command = {
  summary: 'write a deterministic synthetic model (I2_S, TQ1_0, TQ2_0)',
  help,
  async run(argv) {
    const { values, flag } = parse(argv, {
      arch: { type: 'string' },
      format: { type: 'string' },
      shape: { type: 'string' },
      seed: { type: 'string' },
      vocab: { type: 'string' },
      output: { type: 'string', short: 'o' },
      json: { type: 'boolean' },
    });
    if (!values.output) throw new CliError('-o FILE is required (the output file)');
    const shapeSpec = values.shape ?? 'tiny';
    const arch = values.arch ?? (LLAMA_SHAPES.has(shapeSpec.toLowerCase()) ? 'llama' : 'bitnet-b1.58');
    const format = (values.format ?? 'I2_S').toUpperCase();
    if (format !== 'I2_S' && format !== 'TQ1_0' && format !== 'TQ2_0') throw new CliError(`--format must be I2_S, TQ1_0 or TQ2_0, got '${format}'`);
    const shape = parseShape(shapeSpec);
    const seed = intOption(values.seed, flag('seed'), 1, 0);
    let vocabFrom = values.vocab;
    if (!vocabFrom && LLAMA3_VOCAB_SHAPES.has(shapeSpec.toLowerCase())) {
      vocabFrom = fixtureVocab();
      if (!vocabFrom) throw new CliError(`--shape ${shapeSpec} needs the Llama 3 vocabulary: pass --vocab llama3-bitnet-b1.58-vocab-only.gguf`);
    }
    const options: SynthOptions = { arch, format, seed, ...shape, ...(vocabFrom ? { vocabFrom } : {}) };
    const started = Date.now();
    await engineCall('synth failed', () => addon().synth(values.output as string, options));
    const seconds = (Date.now() - started) / 1000;
    if (values.json) console.log(JSON.stringify({ output: values.output, ...options, seconds }));
    else console.log(`${values.output}: ${arch} ${format}, ${JSON.stringify(shape)}, seed ${seed} (${seconds.toFixed(1)} s)`);
    return 0;
  },
};

/**
 * The runtime through the built CLI and the real addon, against the fixtures (everything is read
 * from the files): tern tokenize = expected_ids for every tokenizer case; tern run -p TEXT = the
 * same ids as --ids prompt_ids; KV reuse across two turns (the count the engine reports);
 * streamed text never splits a UTF-8 character; seeds; cancel in prefill and decode; CONTEXT_FULL;
 * dispose during a generation; the Engine wrapper (AbortSignal, async iterator); prompt-lookup
 * drafting gives exactly the plain output.
 * Needs `npx cmake-js compile --out build/native` and `npx electron-vite build` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../electron/services/engine';
import { EngineError } from '../../../electron/services/engine-errors';
import { type NativeModel, type TokenEvent, loadAddon } from '../../../electron/services/native';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'bin/tern.cjs');
const fixtures = join(root, 'test/fixtures');
const built = existsSync(join(root, 'out/main/cli.js')) && existsSync(join(root, 'build/native/Release/tern.node'));
const run = promisify(execFile);

async function tern(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  return stdout;
}

/** Runs jobs with at most `n` at a time (the machine has few cores). */
async function limited<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

interface TokenizerCase {
  name: string;
  text: string;
  parse_special: boolean;
  expected_ids: number[];
}
interface CaseFile {
  gguf: string;
  /** Another pre-tokenizer than the file's (the falcon3 cases): the native tests read it; the CLI cannot. */
  pre?: string;
  cases: TokenizerCase[];
}
interface Ref {
  model: string;
  prompts: { name: string; text: string; prompt_ids: number[] }[];
}

const caseFiles: CaseFile[] = existsSync(join(fixtures, 'tokenizer'))
  ? readdirSync(join(fixtures, 'tokenizer'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(fixtures, 'tokenizer', f), 'utf8')) as CaseFile)
      .filter((file) => file.pre === undefined)
  : [];
const refs: Ref[] = existsSync(join(fixtures, 'refs'))
  ? readdirSync(join(fixtures, 'refs'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(fixtures, 'refs', f), 'utf8')) as Ref)
  : [];
const firstModel = refs[0] ? join(fixtures, refs[0].model) : '';
const vocabOnly = caseFiles[0] ? join(fixtures, caseFiles[0].gguf) : '';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function isWholeUtf8(text: string): boolean {
  // A JS string from the addon holds U+FFFD where bytes were invalid; a lone surrogate would mean
  // half a character slipped through. Round-trip through strict UTF-8 to be sure.
  try {
    return strictUtf8.decode(new TextEncoder().encode(text)) === text && !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
  } catch {
    return false;
  }
}

const greedy = { temperature: 0, repeatPenalty: 1, ignoreEog: true };

describe.skipIf(!built)('tern tokenize / run -p (CLI)', () => {
  it('tokenize gives exactly expected_ids for every case (--special where parse_special, --no-bos)', async () => {
    for (const file of caseFiles) {
      const gguf = join(fixtures, file.gguf);
      const results = await limited(
        2,
        file.cases.map((c) => async () => {
          const args = ['tokenize', '-m', gguf, `--prompt=${c.text}`, '--no-bos', '--json'];
          if (c.parse_special) args.push('--special');
          const out = JSON.parse(await tern(args)) as { ids: number[]; pieces: string[] };
          return { name: c.name, ids: out.ids, expected: c.expected_ids, pieces: out.pieces.length };
        }),
      );
      for (const r of results) {
        expect(r.ids, r.name).toEqual(r.expected);
        expect(r.pieces).toBe(r.ids.length);
      }
    }
  }, 300_000);

  it('tokenize adds BOS unless --no-bos, and parses special tokens only with --special', async () => {
    const withBos = JSON.parse(await tern(['tokenize', '-m', vocabOnly, '-p', 'Hello', '--json'])) as { ids: number[] };
    const noBos = JSON.parse(await tern(['tokenize', '-m', vocabOnly, '-p', 'Hello', '--no-bos', '--json'])) as { ids: number[] };
    expect(withBos.ids.slice(1)).toEqual(noBos.ids);
    const plain = JSON.parse(await tern(['tokenize', '-m', vocabOnly, '-p', '<|eot_id|>', '--no-bos', '--json'])) as { ids: number[] };
    const special = JSON.parse(await tern(['tokenize', '-m', vocabOnly, '-p', '<|eot_id|>', '--no-bos', '--special', '--json'])) as {
      ids: number[];
    };
    expect(special.ids).toHaveLength(1);
    expect(plain.ids.length).toBeGreaterThan(1);
  });

  it('run -p TEXT --temp 0 gives the same ids as --ids prompt_ids, on every fixture model', async () => {
    const jobs = refs.flatMap((ref) =>
      ref.prompts.map((p) => async () => {
        const m = join(fixtures, ref.model);
        const byText = JSON.parse(await tern(['run', '-m', m, `--prompt=${p.text}`, '--special', '-n', '8', '--temp', '0', '--json']));
        const byIds = JSON.parse(await tern(['run', '-m', m, '--ids', p.prompt_ids.join(','), '-n', '8', '--temp', '0', '--json']));
        return { name: `${ref.model} ${p.name}`, byText, byIds, promptIds: p.prompt_ids };
      }),
    );
    for (const r of await limited(2, jobs)) {
      expect(r.byText.prompt, r.name).toEqual(r.promptIds);
      expect(r.byText.ids, r.name).toEqual(r.byIds.ids);
      expect(r.byText.text, r.name).toBe(r.byIds.text);
    }
  }, 300_000);

  it('logits -p TEXT equals logits --ids prompt_ids', async () => {
    const ref = refs[0]!;
    const p = ref.prompts[0]!;
    const m = join(fixtures, ref.model);
    const a = JSON.parse(await tern(['logits', '-m', m, `--prompt=${p.text}`, '--special', '--json']));
    const b = JSON.parse(await tern(['logits', '-m', m, '--ids', p.prompt_ids.join(','), '--json']));
    expect(a.ids).toEqual(p.prompt_ids);
    expect(a.top).toEqual(b.top);
  });

  it('run streams the text and prints the ids; sampler settings and --stop are accepted', async () => {
    const out = await tern(['run', '-m', firstModel, '-p', 'Once upon a time', '-n', '6', '--temp', '0.8', '--top-k', '20', '--top-p', '0.95',
      '--min-p', '0.01', '--repeat-penalty', '1.1', '--repeat-last-n', '32', '--frequency-penalty', '0.1', '--presence-penalty', '0.1',
      '--seed', '7', '--stop', 'zzz', '--stop', 'qqq']);
    const lines = out.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^\d+(,\d+)*$/);
    // --draft changes only the speed.
    const drafted = await tern(['run', '-m', firstModel, '-p', 'Once upon a time', '-n', '6', '--temp', '0.8', '--top-k', '20', '--top-p', '0.95',
      '--min-p', '0.01', '--repeat-penalty', '1.1', '--repeat-last-n', '32', '--frequency-penalty', '0.1', '--presence-penalty', '0.1',
      '--seed', '7', '--stop', 'zzz', '--stop', 'qqq', '--draft', '4']);
    expect(drafted).toBe(out);
  });
});

describe.skipIf(!built)('runtime through the addon', () => {
  const addon = built ? loadAddon() : undefined;
  const load = (path: string, nCtx = 512): Promise<NativeModel> => addon!.Model.load(path, { nCtx, threads: 2 });

  it('the chat template comes whole, and special tokens are listed with their text', async () => {
    const described = await addon!.inspect(firstModel);
    const model = await addon!.Model.load(firstModel, { metadataOnly: true });
    try {
      const listed = described.metadata.find((m) => m.key === 'tokenizer.chat_template');
      expect(described.chatTemplate === null).toBe(listed === undefined);
      if (described.chatTemplate !== null && listed) {
        expect(listed.value.replace(/\.\.\.$/, '')).toBe(described.chatTemplate.slice(0, listed.value.replace(/\.\.\.$/, '').length));
      }
      expect(model.info().chatTemplate).toBe(described.chatTemplate);
      const specials = model.specialTokens();
      const { bos, eot } = model.info().tokenizer;
      expect(specials.map((t) => t.id)).toContain(bos);
      expect(specials.map((t) => t.id)).toContain(eot);
      for (const { id, text } of specials) {
        // Each special's text parses to exactly its id with special: true, and never without.
        expect(await model.tokenize(text, { special: true, addBos: false })).toEqual([id]);
        expect(await model.tokenize(text, { special: false, addBos: false })).not.toContain(id);
      }
    } finally {
      await model.dispose();
    }
  });

  it('a second turn reuses the first turn\'s KV: only the new tokens are computed', async () => {
    const model = await load(firstModel);
    try {
      const turn1 = await model.tokenize('<|start_header_id|>user<|end_header_id|>\n\nHello there<|eot_id|>', { special: true });
      const r1 = await model.generate(turn1, { ...greedy, maxTokens: 5 });
      expect(r1.promptTokensComputed).toBe(turn1.length);
      const more = await model.tokenize('<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nAnd then?', { special: true, addBos: false });
      const turn2 = [...turn1, ...r1.ids, ...more];
      const r2 = await model.generate(turn2, { ...greedy, maxTokens: 5 });
      // Cached: turn 1 and the generated ids but the last (sampled, never evaluated).
      expect(r2.promptTokensReused).toBe(turn1.length + r1.ids.length - 1);
      expect(r2.promptTokensComputed).toBe(more.length + 1);
      expect(r2.promptTokens).toBe(turn2.length);
      // The same ids as a fresh model computing everything.
      const fresh = await load(firstModel);
      const r3 = await fresh.generate(turn2, { ...greedy, maxTokens: 5 });
      await fresh.dispose();
      expect(r3.promptTokensComputed).toBe(turn2.length);
      expect(r2.ids).toEqual(r3.ids);
    } finally {
      await model.dispose();
    }
  });

  it('drafting (draftMax) gives the same text, ids and stop as plain decoding, greedy and sampled, and keeps drafts', async () => {
    const model = await load(firstModel);
    try {
      const ref = refs[0]!;
      const once = ref.prompts[0]!.prompt_ids;
      const prompt = [...once, ...once.slice(1), ...once.slice(1)];  // repeats itself: something to look up
      let kept = 0;
      for (const settings of [greedy, { temperature: 0.8, seed: 3 }]) {
        const plain = await model.generate(prompt, { ...settings, maxTokens: 40 });
        const drafted = await model.generate(prompt, { ...settings, maxTokens: 40, draftMax: 6 });
        expect(drafted.ids).toEqual(plain.ids);
        expect(drafted.text).toBe(plain.text);
        expect(drafted.stopReason).toBe(plain.stopReason);
        expect(plain.draftedTokens).toBe(0);
        expect(drafted.draftTokensAccepted).toBeLessThanOrEqual(drafted.draftedTokens);
        kept += drafted.draftTokensAccepted;
      }
      expect(kept).toBeGreaterThan(0);
      expect(() => model.generate(prompt, { draftMax: 65 })).toThrow('draftMax must be a whole number in [0, 64]');
    } finally {
      await model.dispose();
    }
  });

  it('streamed pieces are whole UTF-8 even when characters are split across byte tokens', async () => {
    const vocab = await addon!.Model.load(vocabOnly, { metadataOnly: true });
    try {
      const text = 'naïve 🙂 漢字 👩‍💻 ½ — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🦜🪿 鼎 ok';
      const ids = await vocab.tokenize(text, { addBos: false });
      // Some tokens hold part of a character (they read as U+FFFD alone) ...
      const alone = await Promise.all(ids.map((id) => vocab.detokenize([id])));
      expect(alone.some((piece) => piece.includes('\uFFFD'))).toBe(true);
      // ... but the stream never splits one: no piece has U+FFFD and they join to the text.
      const pieces = await vocab.detokenize(ids, { stream: true });
      for (const piece of pieces) expect(piece.includes('\uFFFD')).toBe(false);
      expect(pieces.join('')).toBe(text);
    } finally {
      await vocab.dispose();
    }
  });

  it('generated pieces join to the text of the ids and never split a character (sampling over byte tokens)', async () => {
    const model = await load(firstModel);
    try {
      const prompt = await model.tokenize('Once upon a time', { special: true });
      const events: TokenEvent[] = [];
      const r = await model.generate(prompt, { temperature: 2, topK: 0, topP: 1, minP: 0, seed: 3, maxTokens: 200, ignoreEog: true }, (e) =>
        events.push(e),
      );
      expect(events.filter((e) => e.id >= 0).map((e) => e.id)).toEqual(r.ids);
      expect(events.map((e) => e.index)).toEqual(events.map((_, i) => i));  // in order, each once
      const joined = events.map((e) => e.text).join('');
      expect(joined).toBe(r.text);
      expect(joined).toBe(await model.detokenize(r.ids));
      for (const e of events) expect(e.ms).toBeGreaterThanOrEqual(0);
    } finally {
      await model.dispose();
    }
  });

  it('the same seed gives the same text, another seed (very likely) another', async () => {
    const model = await load(firstModel);
    try {
      const prompt = await model.tokenize('The quick brown fox', { special: true });
      const sample = (seed: number) => model.generate(prompt, { temperature: 1.2, topK: 0, topP: 1, minP: 0, seed, maxTokens: 32, ignoreEog: true });
      const a = await sample(11);
      const b = await sample(11);
      const c = await sample(12);
      expect(b.ids).toEqual(a.ids);
      expect(b.text).toBe(a.text);
      expect(c.ids).not.toEqual(a.ids);
    } finally {
      await model.dispose();
    }
  });

  it('cancel ends a generation in prefill and in decode, and the model stays usable', async () => {
    const model = await addon!.Model.load(firstModel, { nCtx: 4096, nBatch: 8, threads: 2 });
    const fresh = await load(firstModel);
    try {
      const long = Array.from({ length: 3500 }, (_, i) => 32 + (i % 90));
      // Prefill: thousands of tokens in micro-batches of 8; cancel while they run.
      const p = model.generate(long, { ...greedy, maxTokens: 4 });
      setTimeout(() => model.cancel(), 30);
      const r1 = await p;
      expect(r1.stopReason).toBe('cancelled');
      expect(r1.generatedTokens).toBe(0);
      // Decode: cancel from the token callback.
      const short = await model.tokenize('def add(a, b):', { special: true });
      let seen = 0;
      const r2 = await model.generate(short, { ...greedy, maxTokens: 3000 }, () => {
        if (++seen === 3) model.cancel();
      });
      expect(r2.stopReason).toBe('cancelled');
      expect(r2.generatedTokens).toBeGreaterThanOrEqual(3);
      expect(r2.generatedTokens).toBeLessThan(3000);
      // Usable afterwards: the same greedy ids as a fresh model.
      const after = await model.generate(short, { ...greedy, maxTokens: 8 });
      const expected = await fresh.generate(short, { ...greedy, maxTokens: 8 });
      expect(after.ids).toEqual(expected.ids);
      expect(after.stopReason).toBe('max_tokens');
    } finally {
      await model.dispose();
      await fresh.dispose();
    }
  });

  it('a request that does not fit is refused with CONTEXT_FULL, naming the numbers', async () => {
    const model = await load(firstModel, 64);
    try {
      const err = await model.generate(new Array<number>(60).fill(65), { maxTokens: 10 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).code).toBe('CONTEXT_FULL');
      expect((err as EngineError).message).toMatch(/70.*64/);
      const ok = await model.generate(new Array<number>(60).fill(65), { ...greedy, maxTokens: 4 });
      expect(ok.generatedTokens).toBe(4);
    } finally {
      await model.dispose();
    }
  });

  it('dispose during a generation cancels it, waits, and later calls fail with DISPOSED', async () => {
    const model = await load(firstModel, 4096);
    const prompt = await model.tokenize('Hello', { special: true });
    // Token events, and the text held back when it stopped (id -1: half a character, or what
    // could have begun a stop string), which comes last and is not a token. Counting that one as
    // a token made this test fail now and then.
    const events: TokenEvent[] = [];
    const running = model.generate(prompt, { ...greedy, maxTokens: 4000 }, (e) => events.push(e));
    await new Promise((r) => setTimeout(r, 20));
    await model.dispose();
    const r = await running;
    expect(r.stopReason).toBe('cancelled');
    const flushes = events.filter((e) => e.id < 0);
    expect(flushes.length).toBeLessThanOrEqual(1);
    if (flushes.length === 1) expect(events.at(-1)).toBe(flushes[0]);
    expect(events.filter((e) => e.id >= 0).map((e) => e.id)).toEqual(r.ids);
    await expect(Promise.resolve().then(() => model.tokenize('x'))).rejects.toMatchObject({ code: 'DISPOSED' });
    await model.dispose();  // twice is fine
  });

  it('load reports progress and can be cancelled; memory in use; errors are EngineErrors', async () => {
    const progress: number[] = [];
    const model = await addon!.Model.load(firstModel, { nCtx: 256, onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    const mem = model.memory();
    expect(mem.kvCache).toBeGreaterThan(0);
    expect(mem.total).toBeGreaterThan(mem.kvCache);
    expect(mem.nCtx).toBe(256);
    await model.dispose();
    const token = new addon!.CancelToken();
    token.cancel();
    await expect(addon!.Model.load(firstModel, { cancel: token })).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(addon!.Model.load(join(root, 'package.json'))).rejects.toBeInstanceOf(EngineError);
  });

  it('Engine: AbortSignal, queued requests, async-iterator streaming', async () => {
    const engine = await Engine.load(firstModel, { nCtx: 512, threads: 2 });
    try {
      const prompt = await engine.tokenize('Once upon a time', { special: true });
      const pieces: string[] = [];
      const stream = engine.stream(prompt, { ...greedy, maxTokens: 6 });
      for await (const e of stream) pieces.push(e.text);
      const r = await stream.result;
      expect(pieces.join('')).toBe(r.text);
      // Two requests at once run one after the other.
      const [a, b] = await Promise.all([engine.generate(prompt, { ...greedy, maxTokens: 4 }), engine.generate(prompt, { ...greedy, maxTokens: 4 })]);
      expect(a.ids).toEqual(b.ids);
      const controller = new AbortController();
      const c = engine.generate(prompt, { ...greedy, maxTokens: 400, signal: controller.signal, onToken: (e) => e.index === 2 && controller.abort() });
      expect((await c).stopReason).toBe('cancelled');
    } finally {
      await engine.dispose();
    }
  });
});

/**
 * SentencePiece vocabularies (tokenizer.ggml.model = "llama") through the real addon and the
 * built CLI, against every case file under test/fixtures/tokenizer-spm (everything is read from
 * the files; a set's "gguf" is relative to the folder holding its MANIFEST.json):
 * model.tokenize = expected_ids (BOS as the case says), detokenize = expected_text, whole and
 * streamed, and `tern tokenize` gives the same ids.
 * Needs `npx cmake-js compile --out build/native` and `npx electron-vite build` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type NativeModel, loadAddon } from '../../../electron/services/native';

const root = resolve(__dirname, '../../..');
const bin = join(root, 'bin/tern.cjs');
const spmRoot = join(root, 'test/fixtures/tokenizer-spm');
const built = existsSync(join(root, 'out/main/cli.js')) && existsSync(join(root, 'build/native/Release/tern.node'));
const run = promisify(execFile);

interface EncodeCase {
  name: string;
  text: string;
  add_bos: boolean;
  parse_special: boolean;
  expected_ids: number[];
}
interface DecodeCase {
  name: string;
  ids: number[];
  expected_text: string;
}
interface SpmSet {
  path: string;
  gguf: string;
  cases: EncodeCase[];
  decode_cases: DecodeCase[];
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return jsonFiles(p);
      return name.endsWith('.json') && name !== 'MANIFEST.json' ? [p] : [];
    });
}

function setRoot(file: string): string {
  for (let dir = dirname(file); dir.startsWith(spmRoot); dir = dirname(dir)) {
    if (existsSync(join(dir, 'MANIFEST.json'))) return dir;
  }
  return dirname(dirname(file));
}

const sets: SpmSet[] = jsonFiles(spmRoot)
  .map((path) => ({ path, doc: JSON.parse(readFileSync(path, 'utf8')) as Partial<SpmSet> }))
  .filter(({ doc }) => Array.isArray(doc.cases) || Array.isArray(doc.decode_cases))
  .map(({ path, doc }) => ({
    path,
    gguf: join(setRoot(path), doc.gguf ?? ''),
    cases: doc.cases ?? [],
    decode_cases: doc.decode_cases ?? [],
  }));

async function tern(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  return stdout;
}

async function withVocab<T>(gguf: string, fn: (m: NativeModel) => Promise<T>): Promise<T> {
  const m = await loadAddon().Model.load(gguf, { metadataOnly: true });
  try {
    return await fn(m);
  } finally {
    await m.dispose();
  }
}

describe.skipIf(!built || sets.length === 0)('SentencePiece tokenizer (fixtures-spm)', () => {
  it('tokenize gives exactly expected_ids for every encode case', async () => {
    for (const set of sets) {
      await withVocab(set.gguf, async (m) => {
        for (const c of set.cases) {
          const ids = await m.tokenize(c.text, { addBos: c.add_bos, special: c.parse_special });
          expect(ids, c.name).toEqual(c.expected_ids);
        }
      });
    }
  });

  it('detokenize gives expected_text for every decode case, whole and streamed', async () => {
    for (const set of sets) {
      await withVocab(set.gguf, async (m) => {
        for (const c of set.decode_cases) {
          expect(await m.detokenize(c.ids), c.name).toBe(c.expected_text);
          const pieces = await m.detokenize(c.ids, { stream: true });
          expect(pieces.join(''), c.name).toBe(c.expected_text);
        }
      });
    }
  });

  it('streamed decoding of every encode case equals the whole decode and never splits a character', async () => {
    for (const set of sets) {
      await withVocab(set.gguf, async (m) => {
        for (const c of set.cases) {
          const whole = await m.detokenize(c.expected_ids);
          const pieces = await m.detokenize(c.expected_ids, { stream: true });
          expect(pieces.join(''), c.name).toBe(whole);
          // Valid input text: the stream has no U+FFFD unless the text has one.
          if (!c.text.includes('\uFFFD')) for (const piece of pieces) expect(piece.includes('\uFFFD'), c.name).toBe(false);
        }
      });
    }
  });

  it('tern tokenize gives the same ids (--no-bos when add_bos is false, --special when parse_special)', async () => {
    for (const set of sets) {
      const cases = set.cases.filter((c) => !c.text.includes('\0')); // argv cannot carry NUL
      const results: { name: string; ids: number[]; expected: number[] }[] = [];
      for (let i = 0; i < cases.length; i += 2) {
        const batch = cases.slice(i, i + 2).map(async (c) => {
          const args = ['tokenize', '-m', set.gguf, `--prompt=${c.text}`, '--json'];
          if (!c.add_bos) args.push('--no-bos');
          if (c.parse_special) args.push('--special');
          const out = JSON.parse(await tern(args)) as { ids: number[] };
          return { name: c.name, ids: out.ids, expected: c.expected_ids };
        });
        results.push(...(await Promise.all(batch)));
      }
      for (const r of results) expect(r.ids, r.name).toEqual(r.expected);
    }
  }, 300_000);
});

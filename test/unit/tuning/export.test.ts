/** A benchmark's export: the `tern bench` command reproduces the sweep; JSON and Markdown carry the rest. */
import { describe, expect, it } from 'vitest';
import type { Benchmark } from '../../../electron/common/contract';
import { parse } from '../../../electron/cli/args';
import { benchCommand, exportBenchmark } from '../../../electron/services/tuning/export';
import { aggregate, bestThreads } from '../../../electron/services/tuning/sweep';

/** The options of `tern bench` (electron/cli/commands/bench.ts). */
const BENCH_OPTIONS = {
  model: { type: 'string', short: 'm' },
  threads: { type: 'string', short: 't' },
  prompt: { type: 'string', short: 'p' },
  gen: { type: 'string', short: 'n' },
  reps: { type: 'string', short: 'r' },
  head: { type: 'string' },
  isa: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Words as a POSIX shell splits them (plain words and single quotes, all the export writes). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word += command.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\') {
      word += command[++i];
      inWord = true;
    } else if (c === ' ') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function benchmark(over: Partial<Benchmark> = {}): Benchmark {
  const threads = [1, 2, 4, 6];
  const promptLengths = [32, 128, 512];
  const samples = threads.flatMap((t) =>
    [1, 2, 3].flatMap((repetition) =>
      promptLengths.map((promptTokens) => ({
        threads: t,
        repetition,
        promptTokens,
        ttftMs: promptTokens / t + repetition,
        prefillTokensPerSecond: 100 * t + repetition,
        decodeTokensPerSecond: 10 * Math.min(t, 4) + repetition,
      })),
    ),
  );
  const rows = aggregate(samples, threads, promptLengths);
  return {
    id: 'b1',
    createdAt: Date.UTC(2025, 0, 2, 3, 4, 5),
    state: 'done',
    error: null,
    modelId: 'f'.repeat(64),
    modelName: 'BitNet b1.58 2B4T',
    modelFile: "ggml-model i2_s (Bob's).gguf",
    cpu: 'AMD Ryzen 7 7840U',
    kernels: { decode: 'avx2', prefill: 'avx512' },
    engineVersion: '0.4.0',
    settings: { contextTokens: 4096, promptBatch: 128, headType: 'q6_k' },
    threads,
    promptLengths,
    genTokens: 64,
    repetitions: 3,
    rows,
    energySource: null,
    bestThreads: bestThreads(rows),
    ...over,
  };
}

describe('benchmark export', () => {
  it('the `tern bench` command parses back to the same sweep with the CLI\'s own flags', () => {
    const b = benchmark();
    const command = benchCommand(b);
    const words = shellWords(command);
    expect(words.slice(0, 2)).toEqual(['tern', 'bench']);
    const { values } = parse(words.slice(2), BENCH_OPTIONS);
    expect(values.model).toBe(b.modelFile);
    expect(values.threads!.split(',').map(Number)).toEqual(b.threads);
    expect(values.prompt!.split(',').map(Number)).toEqual(b.promptLengths);
    expect(Number(values.gen)).toBe(b.genTokens);
    expect(Number(values.reps)).toBe(b.repetitions);
    expect(values.head).toBe('q6_k');
    expect(command).toBe(`tern bench -m 'ggml-model i2_s (Bob'\\''s).gguf' -t 1,2,4,6 -p 32,128,512 -n 64 -r 3 --head q6_k`);
    expect(benchCommand(benchmark({ modelFile: 'plain.gguf' }))).toMatch(/^tern bench -m plain\.gguf -t /);
  });

  it('JSON: the command, machine, model, settings, sweep and rows', () => {
    const b = benchmark();
    const machine = { platform: 'linux', arch: 'x64', logicalCores: 16, physicalCores: 8, totalMemoryBytes: 32 * 1024 ** 3 };
    const { fileName, content } = exportBenchmark(b, machine, 'json');
    expect(fileName).toBe('tern-bench-ggml-model-i2_s-bob-s-2025-01-02-03-04-05.json');
    const parsed = JSON.parse(content);
    expect(parsed).toMatchObject({
      command: benchCommand(b),
      engineVersion: '0.4.0',
      machine: { cpu: 'AMD Ryzen 7 7840U', kernels: { decode: 'avx2', prefill: 'avx512' }, logicalCores: 16, physicalCores: 8 },
      model: { id: b.modelId, name: 'BitNet b1.58 2B4T', file: b.modelFile },
      settings: b.settings,
      sweep: { threads: [1, 2, 4, 6], promptLengths: [32, 128, 512], genTokens: 64, repetitions: 3 },
      bestThreads: 4,
    });
    expect(parsed.rows).toEqual(b.rows);
  });

  it('Markdown: the command in a block, the machine and one table row per thread count', () => {
    const { fileName, content } = exportBenchmark(benchmark(), null, 'markdown');
    expect(fileName.endsWith('.md')).toBe(true);
    expect(content).toContain('```sh\ntern bench -m ');
    expect(content).toContain('- CPU: AMD Ryzen 7 7840U');
    expect(content).toContain('| threads | prefill tok/s | decode tok/s | TTFT ms @32 | TTFT ms @128 | TTFT ms @512 |');
    const rows = content.split('\n').filter((line) => /^\| \d/.test(line));
    expect(rows).toHaveLength(4);
    // Best: 4 threads (6 decodes as fast; ties go to fewer threads).
    expect(rows[2]).toMatch(/^\| 4 \*\*best\*\* \| 402\.0 \(401\.0\.\.403\.0\) \| 42\.00 \(41\.00\.\.43\.00\) \|/);
    expect(content).toContain('Best: 4 thread(s)');
  });
});

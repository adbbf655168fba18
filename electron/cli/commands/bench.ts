/** `tern bench -m FILE -t 1,2 -p 128 -n 64 -r 3`: llama-bench-style prefill and decode rates. */
import { statSync } from 'node:fs';
import { CliError, type Command, intOption, logicalCores, parse, threadsOption } from '../args';
import { addon, bytes, engineCall } from './engine-common';

const help = `usage: tern bench -m FILE [-t 1,2] [-p 128] [-n 64] [-r 3] [--head q8_0|q6_k|f16] [--isa PATH] [--json]

Loads the model once, then per thread count runs r repetitions of: a fresh context, a prompt of
p tokens evaluated in one call (prefill), then n tokens generated one at a time after it
(decode, greedy). Prints the median and the spread (min..max) of prefill and decode tokens per
second, the time to first token, the kernel path, the head format, and resident memory (after
load, its high-water mark, and at the end).

options:
  -m, --model FILE    the model
  -t, --threads LIST  comma-separated thread counts, each at most the machine's logical cores;
                      0: all hardware threads (default 1,2, or 1 on a single core)
  -p, --prompt N      prompt tokens (default 128; 0: decode only)
  -n, --gen N         generated tokens (default 64; 0: prefill only)
  -r, --reps N        repetitions per thread count (default 3)
  --head TYPE         the LM head in memory: q8_0 (default), q6_k or f16
  --isa PATH          force a kernel path: scalar, avx2, avxvnni, avx512, amx, neon
  --json              print one JSON object`;

interface BenchRun {
  threads: number;
  isa: string;
  nPrompt: number;
  nGen: number;
  prefillSeconds: number;
  firstTokenSeconds: number;
  decodeSeconds: number;
}

export interface BenchReport {
  arch: string;
  weightType: string;
  headType: string;
  headBytes: number;
  fileBytes: number;
  kvCacheBytes: number;
  weightsBytes: number;
  loadSeconds: number;
  memory: { rssBefore: number; rssAfterLoad: number; peakAfterLoad: number; rssEnd: number; peakEnd: number };
  runs: BenchRun[];
}

interface BenchOptions {
  threads: number[];
  nPrompt: number;
  nGen: number;
  reps: number;
  head?: string;
  isa?: string;
}

type BenchAddon = { bench(path: string, options: BenchOptions): Promise<BenchReport> };

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const median = n === 0 ? 0 : n % 2 ? (v[(n - 1) / 2] ?? 0) : ((v[n / 2 - 1] ?? 0) + (v[n / 2] ?? 0)) / 2;
  return { median, min: v[0] ?? 0, max: v[n - 1] ?? 0 };
}

export function summarize(report: BenchReport) {
  const byThreads = new Map<number, BenchRun[]>();
  for (const r of report.runs) byThreads.set(r.threads, [...(byThreads.get(r.threads) ?? []), r]);
  return [...byThreads.entries()].map(([threads, runs]) => ({
    threads,
    isa: runs[0]?.isa ?? '',
    prefillTokPerSec: runs[0]?.nPrompt ? spread(runs.map((r) => r.nPrompt / r.prefillSeconds)) : null,
    decodeTokPerSec: runs[0]?.nGen ? spread(runs.map((r) => r.nGen / r.decodeSeconds)) : null,
    timeToFirstTokenMs: runs[0]?.nPrompt ? spread(runs.map((r) => r.firstTokenSeconds * 1000)) : null,
  }));
}

function fmt(s: Spread | null, digits: number): string {
  if (!s) return '-';
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;
}

export const bench: Command = {
  summary: 'measure prefill and decode speed (llama-bench style)',
  help,
  async run(argv) {
    const { values, flag } = parse(argv, {
      model: { type: 'string', short: 'm' },
      threads: { type: 'string', short: 't' },
      prompt: { type: 'string', short: 'p' },
      gen: { type: 'string', short: 'n' },
      reps: { type: 'string', short: 'r' },
      head: { type: 'string' },
      isa: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!values.model) throw new CliError('-m FILE is required (the model)');
    const threads = values.threads === undefined ? (logicalCores() > 1 ? [1, 2] : [1]) : values.threads.split(',').map((t) => threadsOption(t.trim(), flag('threads')));
    const nPrompt = intOption(values.prompt, flag('prompt'), 128, 0, 65536);
    const nGen = intOption(values.gen, flag('gen'), 64, 0, 65536);
    const reps = intOption(values.reps, flag('reps'), 3, 1, 1000);
    if (nPrompt + nGen === 0) throw new CliError(`${flag('prompt')} and ${flag('gen')} must not both be 0`);
    if (values.head && !['q8_0', 'q6_k', 'f16'].includes(values.head)) throw new CliError(`--head must be q8_0, q6_k or f16, got '${values.head}'`);
    const native = addon() as unknown as BenchAddon;
    if (typeof native.bench !== 'function') throw new CliError('this build of the engine has no bench entry; rebuild the addon', 1);
    const model = values.model;
    const report = await engineCall(`cannot benchmark ${model}`, () =>
      native.bench(model, { threads, nPrompt, nGen, reps, head: values.head, isa: values.isa }),
    );
    const rows = summarize(report);
    const fileBytes = report.fileBytes || statSync(model).size;
    if (values.json) {
      console.log(
        JSON.stringify({
          model,
          arch: report.arch,
          weightType: report.weightType,
          head: report.headType,
          headBytes: report.headBytes,
          weightsBytes: report.weightsBytes,
          fileBytes,
          kvCacheBytes: report.kvCacheBytes,
          nPrompt,
          nGen,
          reps,
          loadSeconds: report.loadSeconds,
          memory: report.memory,
          results: rows,
          runs: report.runs,
        }),
      );
      return 0;
    }
    console.log(`${model}: ${report.arch} ${report.weightType}, head ${report.headType} (${bytes(report.headBytes)}), file ${bytes(fileBytes)}`);
    console.log(`load ${report.loadSeconds.toFixed(1)} s; prompt ${nPrompt}, generate ${nGen}, ${reps} repetitions; median (min..max)`);
    console.log('threads  path    prefill tok/s             decode tok/s              time to first token ms');
    for (const r of rows)
      console.log(
        `${String(r.threads).padStart(7)}  ${r.isa.padEnd(6)}  ${fmt(r.prefillTokPerSec, 1).padEnd(24)}  ${fmt(r.decodeTokPerSec, 2).padEnd(24)}  ${fmt(r.timeToFirstTokenMs, 0)}`,
      );
    const m = report.memory;
    console.log(
      `memory: RSS after load ${bytes(m.rssAfterLoad)} (load high-water ${bytes(m.peakAfterLoad)}), at the end ${bytes(m.rssEnd)}, peak ${bytes(m.peakEnd)}; process before load ${bytes(m.rssBefore)}; KV cache ${bytes(report.kvCacheBytes)}`,
    );
    return 0;
  },
};

/** `tern bench -m FILE -t 1,2 -p 32,128 -n 64 -r 3`: llama-bench-style prefill and decode rates. */
import { statSync } from 'node:fs';
import { CliError, type Command, intOption, logicalCores, parse, threadsOption } from '../args';
import { addon, bytes, engineCall } from './engine-common';

const help = `usage: tern bench -m FILE [-t 1,2] [-p 128] [-n 64] [-r 3] [--head q8_0|q6_k|f16] [--isa PATH] [--json]

Loads the model once per prompt length, then per thread count runs r repetitions of: a fresh
context, a prompt of p tokens evaluated in one call (prefill), then n tokens generated one at a
time after it (decode, greedy). Each thread count runs at each prompt length. Prints, per prompt
length and thread count, the median and the spread (min..max) of prefill and decode tokens per
second, the time to first token, the kernel path, the head format, and resident memory (after
the first load, its high-water mark, and at the end).

options:
  -m, --model FILE    the model
  -t, --threads LIST  comma-separated thread counts, each at most the machine's logical cores;
                      0: all hardware threads (default 1,2, or 1 on a single core)
  -p, --prompt LIST   comma-separated prompt lengths in tokens (default 128; 0: decode only);
                      with several, the table gets a prompt column and the --json results
                      and runs say their nPrompt (nPrompt itself is then the list)
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
  /** The repacked ternary projections and their scales: read once per decoded token. */
  ternaryBytes: number;
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

/** One row per prompt length and thread count, in the order the runs came. */
export function summarize(report: BenchReport) {
  const groups = new Map<string, BenchRun[]>();
  for (const r of report.runs) {
    const key = `${r.nPrompt}/${r.threads}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => ({
    nPrompt: runs[0]?.nPrompt ?? 0,
    threads: runs[0]?.threads ?? 0,
    isa: runs[0]?.isa ?? '',
    prefillTokPerSec: runs[0]?.nPrompt ? spread(runs.map((r) => r.nPrompt / r.prefillSeconds)) : null,
    decodeTokPerSec: runs[0]?.nGen ? spread(runs.map((r) => r.nGen / r.decodeSeconds)) : null,
    timeToFirstTokenMs: runs[0]?.nPrompt ? spread(runs.map((r) => r.firstTokenSeconds * 1000)) : null,
  }));
}

/**
 * The reports of one bench call per prompt length, as one: the runs in order, the first load's
 * time and memory after it, the last call's memory at the end (peaks: the highest), the KV cache
 * of the longest prompt.
 */
export function merge(reports: BenchReport[]): BenchReport {
  const first = reports[0];
  const last = reports.at(-1);
  if (!first || !last) throw new CliError('nothing was benchmarked', 1);
  return {
    ...first,
    kvCacheBytes: Math.max(...reports.map((r) => r.kvCacheBytes)),
    memory: {
      ...first.memory,
      rssEnd: last.memory.rssEnd,
      peakEnd: Math.max(...reports.map((r) => r.memory.peakEnd)),
    },
    runs: reports.flatMap((r) => r.runs),
  };
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
    const prompts = values.prompt === undefined ? [128] : values.prompt.split(',').map((p) => intOption(p.trim(), flag('prompt'), 128, 0, 65536));
    const nGen = intOption(values.gen, flag('gen'), 64, 0, 65536);
    const reps = intOption(values.reps, flag('reps'), 3, 1, 1000);
    if (nGen === 0 && prompts.includes(0)) throw new CliError(`${flag('prompt')} and ${flag('gen')} must not both be 0`);
    if (values.head && !['q8_0', 'q6_k', 'f16'].includes(values.head)) throw new CliError(`--head must be q8_0, q6_k or f16, got '${values.head}'`);
    const native = addon() as unknown as BenchAddon;
    if (typeof native.bench !== 'function') throw new CliError('this build of the engine has no bench entry; rebuild the addon', 1);
    const model = values.model;
    // The addon's bench takes one prompt length: one call (and load) per length, merged.
    const reports: BenchReport[] = [];
    for (const nPrompt of prompts) {
      reports.push(await engineCall(`cannot benchmark ${model}`, () => native.bench(model, { threads, nPrompt, nGen, reps, head: values.head, isa: values.isa })));
    }
    const report = merge(reports);
    const several = prompts.length > 1;
    const nPrompt = several ? prompts : prompts[0];
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
          ternaryBytes: report.ternaryBytes,
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
    console.log(`load ${report.loadSeconds.toFixed(1)} s; prompt ${prompts.join(',')}, generate ${nGen}, ${reps} repetitions; median (min..max)`);
    console.log(`${several ? ' prompt  ' : ''}threads  path    prefill tok/s             decode tok/s              time to first token ms`);
    for (const r of rows)
      console.log(
        `${several ? `${String(r.nPrompt).padStart(7)}  ` : ''}${String(r.threads).padStart(7)}  ${r.isa.padEnd(6)}  ${fmt(r.prefillTokPerSec, 1).padEnd(24)}  ${fmt(r.decodeTokPerSec, 2).padEnd(24)}  ${fmt(r.timeToFirstTokenMs, 0)}`,
      );
    const m = report.memory;
    console.log(
      `memory: RSS after load ${bytes(m.rssAfterLoad)} (load high-water ${bytes(m.peakAfterLoad)}), at the end ${bytes(m.rssEnd)}, peak ${bytes(m.peakEnd)}; process before load ${bytes(m.rssBefore)}; KV cache ${bytes(report.kvCacheBytes)}`,
    );
    return 0;
  },
};

/**
 * A benchmark as JSON or Markdown that someone else can reproduce: the `tern bench` command with
 * the same sweep (its flags exactly as electron/cli/commands/bench.ts reads them), the machine,
 * the model, the settings and the table.
 */
import type { Benchmark, Spread } from '../../common/contract';
import type { BenchmarkMachine } from '../store';

/** `tern bench -m FILE -t 1,2,4 -p 32,128,512 -n 64 -r 3 --head q8_0`: the sweep, on the same model file and head. */
export function benchCommand(benchmark: Benchmark): string {
  return [
    'tern bench',
    `-m ${shellQuote(benchmark.modelFile)}`,
    `-t ${benchmark.threads.join(',')}`,
    `-p ${benchmark.promptLengths.join(',')}`,
    `-n ${benchmark.genTokens}`,
    `-r ${benchmark.repetitions}`,
    `--head ${benchmark.settings.headType}`,
  ].join(' ');
}

/** A word as a POSIX shell reads it: as is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function exportBenchmark(
  benchmark: Benchmark,
  machine: BenchmarkMachine | null,
  format: 'json' | 'markdown',
): { fileName: string; content: string } {
  const stem = `tern-bench-${slug(benchmark.modelFile.replace(/\.gguf$/i, ''))}-${stamp(benchmark.createdAt)}`;
  if (format === 'json') return { fileName: `${stem}.json`, content: `${JSON.stringify(jsonExport(benchmark, machine), null, 2)}\n` };
  return { fileName: `${stem}.md`, content: markdownExport(benchmark, machine) };
}

function jsonExport(benchmark: Benchmark, machine: BenchmarkMachine | null) {
  return {
    format: 'tern-benchmark',
    version: 1,
    command: benchCommand(benchmark),
    id: benchmark.id,
    createdAt: new Date(benchmark.createdAt).toISOString(),
    state: benchmark.state,
    error: benchmark.error,
    engineVersion: benchmark.engineVersion,
    machine: { cpu: benchmark.cpu, kernels: benchmark.kernels, ...(machine ?? {}) },
    model: { id: benchmark.modelId, name: benchmark.modelName, file: benchmark.modelFile },
    settings: benchmark.settings,
    sweep: {
      threads: benchmark.threads,
      promptLengths: benchmark.promptLengths,
      genTokens: benchmark.genTokens,
      repetitions: benchmark.repetitions,
    },
    notes: {
      prefill: 'tokens per second at the longest prompt length',
      decode: 'tokens per second over every prompt length and repetition',
      ttftMs: 'time to first token in milliseconds, per prompt length',
      spread: 'median, min and max over the repetitions',
      joulesPerToken: 'energy per generated token in J: each run (prompt and reply) over the tokens it generated; null when not measured',
      energySource: 'measured (a package meter less the idle power), os-estimate or modelled (CPU time × a share of the rated power)',
    },
    energySource: benchmark.energySource,
    rows: benchmark.rows,
    bestThreads: benchmark.bestThreads,
  };
}

function markdownExport(benchmark: Benchmark, machine: BenchmarkMachine | null): string {
  const lines: string[] = [];
  lines.push(`# Tern benchmark: ${benchmark.modelName}`, '');
  lines.push(`${new Date(benchmark.createdAt).toISOString()} · ${stateWords(benchmark)} · Tern ${benchmark.engineVersion}`, '');
  lines.push('To reproduce it:', '', '```sh', benchCommand(benchmark), '```', '');
  lines.push('## Machine', '');
  lines.push(`- CPU: ${benchmark.cpu}`);
  lines.push(`- Kernel paths: decode ${benchmark.kernels.decode}, prefill ${benchmark.kernels.prefill}`);
  if (machine) {
    lines.push(`- Cores: ${machine.physicalCores} physical, ${machine.logicalCores} logical`);
    lines.push(`- Memory: ${(machine.totalMemoryBytes / 1024 ** 3).toFixed(1)} GB`);
    lines.push(`- System: ${machine.platform} ${machine.arch}`);
  }
  lines.push('', '## Model and settings', '');
  lines.push(`- Model: ${benchmark.modelName} (\`${benchmark.modelFile}\`, sha256 ${benchmark.modelId})`);
  lines.push(`- Context: ${benchmark.settings.contextTokens} tokens; prompt micro-batch ${benchmark.settings.promptBatch}; LM head ${benchmark.settings.headType}`);
  lines.push(
    `- Sweep: threads ${benchmark.threads.join(', ')}; prompts of ${benchmark.promptLengths.join(', ')} tokens; ${benchmark.genTokens} generated; ${benchmark.repetitions} repetition(s)`,
  );
  lines.push('', '## Results', '');
  lines.push('Median (min..max) over the repetitions. Prefill at the longest prompt; decode over every prompt.', '');
  const energy = benchmark.energySource;
  const heads = [...benchmark.promptLengths.map((p) => `TTFT ms @${p}`), ...(energy ? [`J/token (${energy})`] : [])];
  lines.push(`| threads | prefill tok/s | decode tok/s | ${heads.join(' | ')} |`);
  lines.push(`|---:|---:|---:|${heads.map(() => '---:').join('|')}|`);
  for (const row of benchmark.rows) {
    const best = row.threads === benchmark.bestThreads ? ' **best**' : '';
    const cells = [...row.ttftMs.map((s) => fmt(s, 0)), ...(energy ? [row.joulesPerToken ? fmtSignificant(row.joulesPerToken) : '—'] : [])];
    lines.push(`| ${row.threads}${best} | ${fmt(row.prefillTokensPerSecond, 1)} | ${fmt(row.decodeTokensPerSecond, 2)} | ${cells.join(' | ')} |`);
  }
  if (benchmark.rows.length === 0) lines.push('', 'No thread count finished a repetition.');
  lines.push('');
  if (benchmark.bestThreads !== null) lines.push(`Best: ${benchmark.bestThreads} thread(s) (the highest median decode rate; ties to fewer threads).`, '');
  return lines.join('\n');
}

function stateWords(benchmark: Benchmark): string {
  switch (benchmark.state) {
    case 'done':
      return 'complete';
    case 'cancelled':
      return 'cancelled (partial results)';
    case 'failed':
      return `failed${benchmark.error ? `: ${benchmark.error}` : ''}`;
    default:
      return 'running';
  }
}

function fmt(s: Spread, digits: number): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}..${s.max.toFixed(digits)})`;
}

/** Energy figures span orders of magnitude: three significant digits. */
function fmtSignificant(s: Spread): string {
  const f = (v: number): string => v.toPrecision(3);
  return `${f(s.median)} (${f(s.min)}..${f(s.max)})`;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'model'
  );
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

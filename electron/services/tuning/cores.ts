/**
 * This machine's cores: the logical count (what the OS schedules on) and the physical count
 * (what the engine's kernels scale with: two hyper-threads share one core's vector units).
 * Physical: Linux /proc/cpuinfo (distinct physical id + core id pairs), macOS
 * `sysctl -n hw.physicalcpu`, Windows the CIM processors' NumberOfCores; the logical count when
 * none of these answers. Read once and cached.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface Cores {
  logical: number;
  physical: number;
}

/** The physical cores in /proc/cpuinfo text; null when it does not say (no core ids, e.g. some ARM kernels). */
export function physicalCoresFromCpuinfo(text: string): number | null {
  const pairs = new Set<string>();
  let processors = 0;
  // One block per logical processor, separated by blank lines.
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (!fields.has('processor')) continue;
    processors += 1;
    const core = fields.get('core id');
    if (core === undefined) continue;
    pairs.add(`${fields.get('physical id') ?? '0'}:${core}`);
  }
  if (processors === 0 || pairs.size === 0) return null;
  return pairs.size;
}

/** A count from a command's output (sysctl, wmic, PowerShell): the sum of the numbers on its lines. */
export function coresFromOutput(text: string): number | null {
  const numbers = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
  const sum = numbers.reduce((a, b) => a + b, 0);
  return sum > 0 ? sum : null;
}

export interface CoreProbe {
  platform: NodeJS.Platform;
  logical: () => number;
  readFile: (path: string) => string;
  run: (command: string, args: string[]) => string;
}

const realProbe: CoreProbe = {
  platform: process.platform,
  logical: () => availableParallelism(),
  readFile: (path) => readFileSync(path, 'utf8'),
  run: (command, args) => execFileSync(command, args, { encoding: 'utf8', timeout: 5000, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] }),
};

/** Counts the cores with the probe given (tests pass fakes); never throws. */
export function detectCores(probe: CoreProbe = realProbe): Cores {
  const logical = Math.max(1, probe.logical());
  let physical: number | null = null;
  const attempt = (read: () => number | null): void => {
    if (physical !== null) return;
    try {
      physical = read();
    } catch {
      physical = null;
    }
  };
  if (probe.platform === 'linux' || probe.platform === 'android') {
    attempt(() => physicalCoresFromCpuinfo(probe.readFile('/proc/cpuinfo')));
  } else if (probe.platform === 'darwin') {
    attempt(() => coresFromOutput(probe.run('sysctl', ['-n', 'hw.physicalcpu'])));
  } else if (probe.platform === 'win32') {
    attempt(() =>
      coresFromOutput(
        probe.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', '(Get-CimInstance Win32_Processor | Measure-Object -Property NumberOfCores -Sum).Sum']),
      ),
    );
    attempt(() => coresFromOutput(probe.run('wmic', ['cpu', 'get', 'NumberOfCores'])));
  }
  // A count above the logical one (a container limited to fewer CPUs) is capped.
  const found: number | null = physical;
  return { logical, physical: found === null ? logical : Math.max(1, Math.min(found, logical)) };
}

let cached: Cores | undefined;

/** This machine's cores, counted once. */
export function machineCores(): Cores {
  cached ??= detectCores();
  return cached;
}

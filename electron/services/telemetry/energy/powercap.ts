/**
 * Linux RAPL through the powercap interface: each CPU package's energy counter in
 * /sys/class/powercap/intel-rapl:N/energy_uj (AMD's too), in microjoules, wrapping to 0 past
 * max_energy_range_uj. Readable by root only on kernels since 2020 (CVE-2020-8694): Tern never
 * runs as root, it tells the user the udev rule that makes the counters readable.
 */
import { readFile as fsReadFile, readdir as fsReaddir } from 'node:fs/promises';
import { join } from 'node:path';

export const POWERCAP_ROOT = '/sys/class/powercap';

/** The one line that makes the counters readable by everyone, now and after each boot. */
export const POWERCAP_HOWTO =
  `echo 'SUBSYSTEM=="powercap", KERNEL=="intel-rapl:*", ACTION=="add", RUN+="/bin/chmod a+r /sys%p/energy_uj"' ` +
  `| sudo tee /etc/udev/rules.d/60-tern-rapl.rules && sudo udevadm trigger --subsystem-match=powercap --action=add`;

/** File access, replaceable in tests (a fake folder cannot deny root). */
export interface PowercapFiles {
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<string>;
}

const realFiles: PowercapFiles = {
  readdir: (path) => fsReaddir(path),
  readFile: (path) => fsReadFile(path, 'utf8'),
};

export interface PackageZone {
  /** The zone's folder, e.g. /sys/class/powercap/intel-rapl:0. */
  path: string;
  /** Its name, e.g. package-0. */
  name: string;
  /** The counter wraps to 0 after this many microjoules. */
  maxRangeUj: number;
}

export type PowercapProbe =
  | { ok: true; zones: PackageZone[] }
  | { ok: false; reason: 'absent' | 'permission' | 'unreadable'; message: string };

/**
 * Finds the package zones (intel-rapl:N whose name starts with "package"; not the core, uncore
 * or dram subzones, nor psys, which would count twice) and checks their counters can be read.
 */
export async function probePowercap(root = POWERCAP_ROOT, files: PowercapFiles = realFiles): Promise<PowercapProbe> {
  let entries: string[];
  try {
    entries = await files.readdir(root);
  } catch {
    return { ok: false, reason: 'absent', message: 'This machine has no RAPL energy counters (no Linux powercap interface).' };
  }
  const zones: PackageZone[] = [];
  for (const entry of entries.filter((e) => /^intel-rapl:\d+$/.test(e)).sort()) {
    const path = join(root, entry);
    try {
      const name = (await files.readFile(join(path, 'name'))).trim();
      if (!name.startsWith('package')) continue;
      const maxRangeUj = Number((await files.readFile(join(path, 'max_energy_range_uj'))).trim());
      zones.push({ path, name, maxRangeUj: Number.isFinite(maxRangeUj) && maxRangeUj > 0 ? maxRangeUj : 0 });
    } catch {
      // A zone without these files is not a package counter.
    }
  }
  if (zones.length === 0) {
    return { ok: false, reason: 'absent', message: 'This machine has no RAPL package energy counter (no Linux powercap package zone).' };
  }
  for (const zone of zones) {
    try {
      readMicrojoules(await files.readFile(join(zone.path, 'energy_uj')));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        return {
          ok: false,
          reason: 'permission',
          message: 'The RAPL energy counters are readable by root only on this machine, and Tern does not run as root.',
        };
      }
      return { ok: false, reason: 'unreadable', message: `The RAPL energy counter of ${zone.name} cannot be read: ${(error as Error).message}` };
    }
  }
  return { ok: true, zones };
}

/**
 * The packages' energy as one cumulative figure in J. Each read adds what every counter moved
 * since the last, taking a counter that went down as one wrap past its range. Reads far enough
 * apart for a counter to wrap twice cannot be told from one wrap: callers read at least every
 * `unambiguousMs(watts)`, or do not trust the difference.
 */
export class PowercapCounter {
  private last: number[] | null = null;
  private total = 0;
  /** The read in progress: reads overlap (the sampler, a request's end, the idle gap) and must be taken in order. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    readonly zones: readonly PackageZone[],
    private readonly files: PowercapFiles = realFiles,
  ) {}

  /** Joules since the first read. */
  read(): Promise<number> {
    // One at a time: a read whose files come back after a later read's would look like a wrap.
    const next = this.pending.then(() => this.readNow());
    this.pending = next.catch(() => undefined);
    return next;
  }

  private async readNow(): Promise<number> {
    const now = await Promise.all(this.zones.map(async (zone) => readMicrojoules(await this.files.readFile(join(zone.path, 'energy_uj')))));
    if (this.last) {
      for (const [i, value] of now.entries()) this.total += counterDelta(this.last[i]!, value, this.zones[i]!.maxRangeUj);
    }
    this.last = now;
    return this.total / 1e6;
  }

  /** The longest time between reads in which no counter can wrap twice at this package power. */
  unambiguousMs(watts: number): number {
    const smallest = Math.min(...this.zones.map((z) => z.maxRangeUj || Number.MAX_SAFE_INTEGER));
    return (smallest / 1e6 / watts) * 1000;
  }
}

/** How far a counter moved from `before` to `after`, in its units, counting one wrap past `maxRange`. */
export function counterDelta(before: number, after: number, maxRange: number): number {
  if (after >= before) return after - before;
  // Wrapped: up to the range, then on from 0.
  return maxRange > 0 ? maxRange - before + after : 0;
}

function readMicrojoules(text: string): number {
  const value = Number(text.trim());
  if (!Number.isFinite(value) || value < 0) throw new Error(`not an energy reading: ${JSON.stringify(text.trim())}`);
  return value;
}

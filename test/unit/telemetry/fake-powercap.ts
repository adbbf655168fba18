/** Fake /sys/class/powercap trees in a temp folder, and file access that can deny a read (tests run as root). */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PowercapFiles } from '../../../electron/services/telemetry/energy/powercap';
import type { EngineUsage } from '../../../electron/services/engine-host/types';

export interface FakeZone {
  /** The folder's name, e.g. intel-rapl:0. */
  dir: string;
  name?: string;
  energyUj?: number;
  maxRangeUj?: number;
}

/** A typical laptop: one package with core/uncore subzones, psys, and the MMIO copy of the package. */
export const LAPTOP: readonly FakeZone[] = [
  { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000, maxRangeUj: 262_143_328_850 },
  { dir: 'intel-rapl:0:0', name: 'core', energyUj: 500_000, maxRangeUj: 262_143_328_850 },
  { dir: 'intel-rapl:0:1', name: 'uncore', energyUj: 100_000, maxRangeUj: 262_143_328_850 },
  { dir: 'intel-rapl:1', name: 'psys', energyUj: 9_000_000, maxRangeUj: 262_143_328_850 },
  // The MMIO interface repeats the package counter under the same name: counting it would count twice.
  { dir: 'intel-rapl-mmio:0', name: 'package-0', energyUj: 1_000_000, maxRangeUj: 262_143_328_850 },
];

export function makeTempDir(prefix = 'tern-powercap-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes the zones under `root` (created if needed); the control-type folder intel-rapl is there too, as on a real machine. */
export function writePowercap(root: string, zones: readonly FakeZone[]): void {
  mkdirSync(join(root, 'intel-rapl'), { recursive: true });
  for (const zone of zones) {
    const dir = join(root, zone.dir);
    mkdirSync(dir, { recursive: true });
    if (zone.name !== undefined) writeFileSync(join(dir, 'name'), `${zone.name}\n`);
    if (zone.energyUj !== undefined) setEnergy(root, zone.dir, zone.energyUj);
    if (zone.maxRangeUj !== undefined) writeFileSync(join(dir, 'max_energy_range_uj'), `${zone.maxRangeUj}\n`);
  }
}

export function setEnergy(root: string, dir: string, uj: number): void {
  writeFileSync(join(root, dir, 'energy_uj'), `${uj}\n`);
}

/** Real file access, except that reading energy_uj fails with `code` (EACCES: what a non-root user gets since CVE-2020-8694). */
export function denyingFiles(code = 'EACCES'): PowercapFiles {
  return {
    readdir: async (path) => readdirSync(path),
    readFile: async (path) => {
      if (path.endsWith('energy_uj')) {
        const error = new Error(`${code}: permission denied, open '${path}'`) as NodeJS.ErrnoException;
        error.code = code;
        throw error;
      }
      return readFileSync(path, 'utf8');
    },
  };
}

export function usage(over: Partial<EngineUsage> = {}): EngineUsage {
  return { pid: 4242, cpuMs: 0, rssBytes: 500e6, baseRssBytes: 50e6, modelBytes: null, energy: null, ...over };
}

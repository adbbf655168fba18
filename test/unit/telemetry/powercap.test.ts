/** Linux RAPL through powercap, on fake /sys/class/powercap trees (never the machine's own). */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  POWERCAP_HOWTO,
  PowercapCounter,
  type PowercapFiles,
  counterDelta,
  probePowercap,
} from '../../../electron/services/telemetry/energy/powercap';
import { LAPTOP, denyingFiles, makeTempDir, removeDir, setEnergy, writePowercap } from './fake-powercap';

let root: string;

beforeEach(() => {
  root = makeTempDir();
});

afterEach(() => {
  removeDir(root);
});

describe('probePowercap', () => {
  it('finds only the package zones: not the subzones, psys, or the MMIO copy', async () => {
    writePowercap(root, LAPTOP);
    const probe = await probePowercap(root);
    expect(probe).toEqual({ ok: true, zones: [{ path: join(root, 'intel-rapl:0'), name: 'package-0', maxRangeUj: 262_143_328_850 }] });
  });

  it('finds each package of a two-socket machine, in order', async () => {
    writePowercap(root, [
      { dir: 'intel-rapl:1', name: 'package-1', energyUj: 7, maxRangeUj: 2000 },
      { dir: 'intel-rapl:1:0', name: 'dram', energyUj: 7, maxRangeUj: 2000 },
      { dir: 'intel-rapl:0', name: 'package-0', energyUj: 5, maxRangeUj: 1000 },
    ]);
    const probe = await probePowercap(root);
    expect(probe.ok).toBe(true);
    if (!probe.ok) return;
    expect(probe.zones.map((z) => [z.name, z.maxRangeUj])).toEqual([
      ['package-0', 1000],
      ['package-1', 2000],
    ]);
  });

  it('skips a zone without its range file, and takes a range that is not a number as none', async () => {
    writePowercap(root, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 5 }]);
    expect(await probePowercap(root)).toMatchObject({ ok: false, reason: 'absent' });
    writePowercap(root, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 5, maxRangeUj: Number.NaN }]);
    expect(await probePowercap(root)).toMatchObject({ ok: true, zones: [{ name: 'package-0', maxRangeUj: 0 }] });
  });

  it('says absent for a missing folder', async () => {
    const probe = await probePowercap(join(root, 'no-such-folder'));
    expect(probe).toMatchObject({ ok: false, reason: 'absent' });
  });

  it('says absent when there is no package zone', async () => {
    writePowercap(root, [
      { dir: 'intel-rapl:1', name: 'psys', energyUj: 1, maxRangeUj: 1000 },
      { dir: 'intel-rapl-mmio:0', name: 'package-0', energyUj: 1, maxRangeUj: 1000 },
    ]);
    expect(await probePowercap(root)).toMatchObject({ ok: false, reason: 'absent' });
  });

  it('says permission when the counter cannot be read by this user (EACCES or EPERM)', async () => {
    writePowercap(root, LAPTOP);
    for (const code of ['EACCES', 'EPERM']) {
      const probe = await probePowercap(root, denyingFiles(code));
      expect(probe).toMatchObject({ ok: false, reason: 'permission' });
      if (!probe.ok) expect(probe.message).toMatch(/root/);
    }
  });

  it('says unreadable for another failure, or a counter that is not a number', async () => {
    writePowercap(root, LAPTOP);
    expect(await probePowercap(root, denyingFiles('EIO'))).toMatchObject({ ok: false, reason: 'unreadable' });
    setEnergy(root, 'intel-rapl:0', Number.NaN);
    const probe = await probePowercap(root);
    expect(probe).toMatchObject({ ok: false, reason: 'unreadable' });
    if (!probe.ok) expect(probe.message).toContain('package-0');
  });

  it('says unreadable when a package zone has no energy file', async () => {
    writePowercap(root, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 5, maxRangeUj: 1000 }]);
    rmSync(join(root, 'intel-rapl:0', 'energy_uj'));
    expect(await probePowercap(root)).toMatchObject({ ok: false, reason: 'unreadable' });
  });

  it('has a how-to that is a udev rule making energy_uj readable', () => {
    expect(POWERCAP_HOWTO).toContain('SUBSYSTEM=="powercap"');
    expect(POWERCAP_HOWTO).toContain('chmod a+r');
    expect(POWERCAP_HOWTO).toContain('energy_uj');
    expect(POWERCAP_HOWTO).toContain('udevadm trigger');
  });
});

describe('PowercapCounter', () => {
  async function counterFor(): Promise<PowercapCounter> {
    const probe = await probePowercap(root);
    if (!probe.ok) throw new Error(probe.message);
    return new PowercapCounter(probe.zones);
  }

  it('starts at 0 and adds what the counter moved, in J', async () => {
    writePowercap(root, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 5_000_000, maxRangeUj: 262_143_328_850 }]);
    const counter = await counterFor();
    expect(await counter.read()).toBe(0);
    setEnergy(root, 'intel-rapl:0', 7_500_000);
    expect(await counter.read()).toBeCloseTo(2.5, 10);
    setEnergy(root, 'intel-rapl:0', 8_000_000);
    expect(await counter.read()).toBeCloseTo(3, 10);
    // No movement, no change.
    expect(await counter.read()).toBeCloseTo(3, 10);
  });

  it('sums two packages', async () => {
    writePowercap(root, [
      { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000, maxRangeUj: 262_143_328_850 },
      { dir: 'intel-rapl:1', name: 'package-1', energyUj: 50_000_000, maxRangeUj: 262_143_328_850 },
      { dir: 'intel-rapl:0:0', name: 'core', energyUj: 0, maxRangeUj: 262_143_328_850 },
    ]);
    const counter = await counterFor();
    expect(counter.zones).toHaveLength(2);
    await counter.read();
    setEnergy(root, 'intel-rapl:0', 3_000_000); // +2 J
    setEnergy(root, 'intel-rapl:1', 53_500_000); // +3.5 J
    setEnergy(root, 'intel-rapl:0:0', 99_000_000); // a subzone: not counted
    expect(await counter.read()).toBeCloseTo(5.5, 10);
  });

  it('counts a wrap-around as max − before + after', async () => {
    const max = 262_143_328_850;
    writePowercap(root, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: max - 1_000_000, maxRangeUj: max }]);
    const counter = await counterFor();
    await counter.read();
    setEnergy(root, 'intel-rapl:0', 2_000_000);
    expect(await counter.read()).toBeCloseTo(3, 6);
    setEnergy(root, 'intel-rapl:0', 2_500_000);
    expect(await counter.read()).toBeCloseTo(3.5, 6);
  });

  it('wraps each package on its own range', async () => {
    writePowercap(root, [
      { dir: 'intel-rapl:0', name: 'package-0', energyUj: 900, maxRangeUj: 1000 },
      { dir: 'intel-rapl:1', name: 'package-1', energyUj: 100, maxRangeUj: 5000 },
    ]);
    const counter = await counterFor();
    await counter.read();
    setEnergy(root, 'intel-rapl:0', 50); // wrapped: 100 + 50
    setEnergy(root, 'intel-rapl:1', 400); // +300
    expect(await counter.read()).toBeCloseTo(450 / 1e6, 12);
  });

  it('reads in order when reads overlap, so a read that finishes late is not taken for a wrap', async () => {
    // The kernel's counter goes up with every read; the first read's file read is slow.
    let value = 1_000_000;
    let call = 0;
    const zones = [{ path: '/fake/intel-rapl:0', name: 'package-0', maxRangeUj: 262_143_328_850 }];
    const files: PowercapFiles = {
      readdir: async () => [],
      readFile: async () => {
        call += 1;
        value += 1_000_000;
        const text = `${value}\n`;
        const delay = call === 2 ? 30 : 0;
        await new Promise((resolve) => setTimeout(resolve, delay));
        return text;
      },
    };
    const counter = new PowercapCounter(zones, files);
    expect(await counter.read()).toBe(0);
    const [a, b] = await Promise.all([counter.read(), counter.read()]);
    // Two reads, 1 J each: never a wrap of 262 kJ.
    expect(Math.max(a, b)).toBeCloseTo(2, 6);
    expect(a).toBeLessThanOrEqual(b);
    value += 1_000_000;
    expect(await counter.read()).toBeCloseTo(4, 6);
  });

  it('rejects when a counter cannot be read, and reads on after', async () => {
    writePowercap(root, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000, maxRangeUj: 262_143_328_850 }]);
    const probe = await probePowercap(root);
    if (!probe.ok) throw new Error(probe.message);
    let deny = false;
    const files: PowercapFiles = {
      readdir: async (path) => readdirSync(path),
      readFile: async (path) => (deny ? denyingFiles().readFile(path) : readFileSync(path, 'utf8')),
    };
    const counter = new PowercapCounter(probe.zones, files);
    await counter.read();
    deny = true;
    await expect(counter.read()).rejects.toMatchObject({ code: 'EACCES' });
    deny = false;
    setEnergy(root, 'intel-rapl:0', 2_000_000);
    expect(await counter.read()).toBeCloseTo(1, 10);
  });

  it('knows how long reads can be apart before a counter could wrap twice', async () => {
    writePowercap(root, [
      { dir: 'intel-rapl:0', name: 'package-0', energyUj: 1, maxRangeUj: 262_143_328_850 },
      { dir: 'intel-rapl:1', name: 'package-1', energyUj: 1, maxRangeUj: 65_532_610_987 },
    ]);
    const counter = await counterFor();
    // The smaller range decides: 65 532.6 J at 400 W is 163.8 s.
    expect(counter.unambiguousMs(400)).toBeCloseTo((65_532_610_987 / 1e6 / 400) * 1000, 6);
    expect(counter.unambiguousMs(100)).toBeCloseTo(4 * counter.unambiguousMs(400), 6);
  });

  it('does not limit the gap for counters without a range', () => {
    const counter = new PowercapCounter([{ path: '/x', name: 'package-0', maxRangeUj: 0 }]);
    expect(counter.unambiguousMs(400)).toBeGreaterThan(1e9);
  });
});

describe('counterDelta', () => {
  it('is the difference when the counter went up', () => {
    expect(counterDelta(100, 350, 1000)).toBe(250);
    expect(counterDelta(100, 100, 1000)).toBe(0);
  });

  it('counts one wrap past the range when it went down', () => {
    expect(counterDelta(900, 50, 1000)).toBe(150);
    expect(counterDelta(262_143_000_000, 500_000, 262_143_328_850)).toBe(828_850);
  });

  it('is 0 for a counter that went down without a known range', () => {
    expect(counterDelta(900, 50, 0)).toBe(0);
  });
});

/**
 * The energy tier chosen for a machine, on fake powercap folders and fake engine readings. Never
 * the real /sys: which tier this machine gives is not for a test to assume.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnergyStatus } from '../../../electron/common/contract';
import { POWERCAP_HOWTO } from '../../../electron/services/telemetry/energy/powercap';
import { EnergyTiers, type EnergyTiersOptions } from '../../../electron/services/telemetry/energy/tiers';
import { LAPTOP, denyingFiles, makeTempDir, removeDir, setEnergy, usage, writePowercap } from './fake-powercap';

let root: string;

beforeEach(() => {
  root = makeTempDir();
});

afterEach(() => {
  removeDir(root);
});

const I7 = 'Intel(R) Core(TM) i7-1165G7 @ 2.80GHz';

async function tiers(over: Partial<EnergyTiersOptions> = {}): Promise<EnergyTiers> {
  const t = new EnergyTiers({ platform: 'linux', cpuName: I7, hardwareThreads: 8, userWatts: null, powercapRoot: root, ...over });
  await t.init();
  return t;
}

describe('Linux', () => {
  it('measures with readable counters, less the idle baseline', async () => {
    writePowercap(root, LAPTOP);
    const t = await tiers();
    const status = t.status(3.25);
    expect(EnergyStatus.parse(status)).toEqual(status);
    expect(status).toMatchObject({ source: 'measured', unavailable: null, howTo: null, cpuWatts: null, cpuWattsFrom: null, idleWatts: 3.25, cpuName: I7 });
    expect(status.detail).toContain('package-0');

    const counter = t.counterFor(usage({ cpuMs: 1000 }));
    expect(counter).toMatchObject({ source: 'measured', key: 'powercap', subtractIdle: true });
    expect(counter.trustGapMs).toBeCloseTo((262_143_328_850 / 1e6 / 400) * 1000, 3);
    expect(await counter.read(null)).toBe(0);
    setEnergy(root, 'intel-rapl:0', 4_000_000); // +3 J
    expect(await counter.read(usage())).toBeCloseTo(3, 10);

    // The same counter serves the idle gap, without an engine reading.
    expect(t.packageCounter()).toMatchObject({ source: 'measured', key: 'powercap', subtractIdle: true });
  });

  it('measures with the package counter even when the engine reports energy', async () => {
    writePowercap(root, LAPTOP);
    const t = await tiers();
    expect(t.counterFor(usage({ energy: { scope: 'process', joules: 1 } }))).toMatchObject({ source: 'measured', key: 'powercap' });
    expect(t.status(null).source).toBe('measured');
  });

  it('models, and gives the udev rule, when the counters are root-only', async () => {
    writePowercap(root, LAPTOP);
    const t = await tiers({ powercapFiles: denyingFiles('EACCES') });
    const status = t.status(null);
    expect(EnergyStatus.parse(status)).toEqual(status);
    expect(status.source).toBe('modelled');
    expect(status.howTo).toBe(POWERCAP_HOWTO);
    expect(status.unavailable).toEqual(expect.stringContaining('root'));
    expect(status).toMatchObject({ cpuWatts: 15, cpuWattsFrom: 'table', idleWatts: null });
    expect(t.packageCounter()).toBeNull();
    expect(t.counterFor(usage())).toMatchObject({ source: 'modelled', subtractIdle: false });
  });

  it('models without a how-to when there is no powercap folder', async () => {
    const t = await tiers({ powercapRoot: join(root, 'absent') });
    const status = t.status(null);
    expect(status.source).toBe('modelled');
    expect(status.unavailable).toEqual(expect.any(String));
    expect(status.howTo).toBeNull();
    expect(t.packageCounter()).toBeNull();
  });

  it('models without a how-to when the counter is unreadable for another reason', async () => {
    writePowercap(root, LAPTOP);
    const t = await tiers({ powercapFiles: denyingFiles('EIO') });
    expect(t.status(null)).toMatchObject({ source: 'modelled', howTo: null, unavailable: expect.stringContaining('package-0') });
  });

  it('models when only psys and subzones are there', async () => {
    writePowercap(root, LAPTOP.filter((z) => z.dir !== 'intel-rapl:0'));
    const t = await tiers();
    expect(t.status(null)).toMatchObject({ source: 'modelled', howTo: null, unavailable: expect.any(String) });
  });
});

describe('the modelled tier', () => {
  it("is the engine's CPU time times one thread's share of the rated power", async () => {
    const t = await tiers({ powercapRoot: join(root, 'absent') });
    const counter = t.counterFor(usage({ pid: 7, cpuMs: 500 }));
    expect(counter).toMatchObject({ source: 'modelled', subtractIdle: false, trustGapMs: Number.POSITIVE_INFINITY });
    // 15 W × 50% / 8 threads = 0.9375 W per busy thread.
    expect(await counter.read(usage({ pid: 7, cpuMs: 500 }))).toBeCloseTo(0.46875, 12);
    expect(await counter.read(usage({ pid: 7, cpuMs: 4500 }))).toBeCloseTo(4.21875, 12);
  });

  it('reads nothing from another engine process, or without a reading', async () => {
    const t = await tiers({ powercapRoot: join(root, 'absent') });
    const counter = t.counterFor(usage({ pid: 7 }));
    expect(await counter.read(usage({ pid: 8, cpuMs: 1000 }))).toBeNull();
    expect(await counter.read(null)).toBeNull();
  });

  it("says the power, where it comes from, and follows the user's watts", async () => {
    const t = await tiers({ powercapRoot: join(root, 'absent') });
    expect(t.status(null)).toMatchObject({ source: 'modelled', cpuWatts: 15, cpuWattsFrom: 'table' });
    expect(t.status(null).detail).toContain('0.94 W per busy thread');
    const before = t.counterFor(usage({ pid: 7 }));

    t.setUserWatts(40);
    const status = t.status(null);
    expect(EnergyStatus.parse(status)).toEqual(status);
    expect(status).toMatchObject({ cpuWatts: 40, cpuWattsFrom: 'user' });
    expect(status.detail).toContain('the power you entered');
    const after = t.counterFor(usage({ pid: 7 }));
    // 40 W × 50% / 8 = 2.5 W per thread; a new key, so no baseline or difference spans the change.
    expect(await after.read(usage({ pid: 7, cpuMs: 2000 }))).toBeCloseTo(5, 12);
    expect(after.key).not.toBe(before.key);

    t.setUserWatts(null);
    expect(t.status(null)).toMatchObject({ cpuWatts: 15, cpuWattsFrom: 'table' });
  });

  it('uses the default for an unknown CPU', async () => {
    const t = await tiers({ cpuName: 'AMD EPYC 7763 64-Core Processor', hardwareThreads: 128, powercapRoot: join(root, 'absent') });
    expect(t.status(null)).toMatchObject({ cpuWatts: 85, cpuWattsFrom: 'default' });
    expect(t.status(null).detail).toContain('a default for an unknown CPU');
  });
});

describe('other platforms', () => {
  it('looks at no powercap folder', async () => {
    // Readable counters are there, but a Mac or Windows machine has no powercap: they must be ignored.
    writePowercap(root, LAPTOP);
    const t = await tiers({ platform: 'darwin', cpuName: 'Apple M2' });
    expect(t.packageCounter()).toBeNull();
    const status = t.status(null);
    expect(status).toMatchObject({ source: 'modelled', cpuWatts: 20, cpuWattsFrom: 'table', howTo: null });
    expect(status.unavailable).toEqual(expect.any(String));
  });

  it("takes macOS's per-process estimate, without idle subtraction", async () => {
    const t = await tiers({ platform: 'darwin', cpuName: 'Apple M2' });
    const counter = t.counterFor(usage({ pid: 9, energy: { scope: 'process', joules: 12 } }));
    expect(counter).toMatchObject({ source: 'os-estimate', subtractIdle: false });
    expect(await counter.read(usage({ pid: 9, energy: { scope: 'process', joules: 15.5 } }))).toBe(15.5);
    expect(await counter.read(usage({ pid: 10, energy: { scope: 'process', joules: 15.5 } }))).toBeNull();
    expect(await counter.read(usage({ pid: 9, energy: null }))).toBeNull();
    const status = t.status(1.5);
    expect(EnergyStatus.parse(status)).toEqual(status);
    expect(status).toMatchObject({ source: 'os-estimate', unavailable: null, howTo: null, cpuWatts: null, idleWatts: null });
  });

  it("takes Windows' package meter as measured, less the idle baseline", async () => {
    const t = await tiers({ platform: 'win32' });
    const counter = t.counterFor(usage({ pid: 9, energy: { scope: 'package', joules: 100 } }));
    expect(counter).toMatchObject({ source: 'measured', subtractIdle: true });
    expect(await counter.read(usage({ pid: 9, energy: { scope: 'package', joules: 130 } }))).toBe(130);
    // A reading of the other scope is not this counter's.
    expect(await counter.read(usage({ pid: 9, energy: { scope: 'process', joules: 130 } }))).toBeNull();
    expect(t.status(2)).toMatchObject({ source: 'measured', idleWatts: 2, unavailable: null, cpuWatts: null });
  });

  it('models without an engine energy reading', async () => {
    const t = await tiers({ platform: 'win32' });
    const counter = t.counterFor(usage({ pid: 9, cpuMs: 1000 }));
    expect(counter).toMatchObject({ source: 'modelled', subtractIdle: false });
    expect(await counter.read(usage({ pid: 9, cpuMs: 1000 }))).toBeCloseTo(0.9375, 12);
    expect(t.status(null).source).toBe('modelled');
  });
});

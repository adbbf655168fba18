/** The CPU's rated power for the modelled tier: the table, the user's value, the default. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CPU_WATTS, FULL_LOAD_SHARE, cpuPowerFor, wattsPerThread } from '../../../electron/services/telemetry/energy/cpu-power';

describe('cpuPowerFor', () => {
  it.each([
    ['Intel(R) Core(TM) i7-1165G7 @ 2.80GHz', 15],
    ['11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz', 15],
    ['12th Gen Intel(R) Core(TM) i7-1255U', 15],
    ['Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz', 15],
    ['12th Gen Intel(R) Core(TM) i7-1260P', 28],
    ['Intel(R) Core(TM) i7-10750H CPU @ 2.60GHz', 45],
    ['13th Gen Intel(R) Core(TM) i9-13980HX', 55],
    ['Intel(R) Core(TM) i9-13900K', 125],
    ['13th Gen Intel(R) Core(TM) i9-13900KF', 125],
    ['Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', 65],
    ['Intel(R) Core(TM) i5-9400T CPU @ 1.80GHz', 35],
    ['Intel(R) Core(TM) Ultra 7 155H', 28],
    ['Intel(R) Core(TM) Ultra 7 258V', 17],
    ['Intel(R) Core(TM) Ultra 9 285K', 125],
    ['AMD Ryzen 7 5800X 8-Core Processor', 105],
    ['AMD Ryzen 9 7950X3D 16-Core Processor', 120],
    ['AMD Ryzen 5 3600 6-Core Processor', 65],
    ['AMD Ryzen 7 PRO 5850U with Radeon Graphics', 15],
    ['AMD Ryzen 7 5800H with Radeon Graphics', 45],
    ['AMD Ryzen 7 7840HS w/ Radeon 780M Graphics', 35],
    ['AMD Ryzen 9 7945HX with Radeon Graphics', 55],
    ['AMD Ryzen Threadripper 3970X 32-Core Processor', 280],
    ['Apple M2', 20],
    ['Apple M1 Pro', 30],
    ['Apple M3 Max', 40],
  ])('%s → %i W from the table', (name, watts) => {
    const power = cpuPowerFor(name, null);
    expect(power).toMatchObject({ watts, from: 'table' });
    expect(power.family).toEqual(expect.any(String));
  });

  it('names the family of a table hit', () => {
    expect(cpuPowerFor('Apple M2', null)).toEqual({ watts: 20, from: 'table', family: 'Apple M' });
    expect(cpuPowerFor('AMD Ryzen 7 5800X 8-Core Processor', null).family).toBe('AMD Ryzen X (desktop)');
  });

  it.each(['AMD EPYC 7763 64-Core Processor', 'Intel(R) Xeon(R) CPU E5-2690 v4 @ 2.60GHz', '', 'unknown'])(
    'gives the default for a CPU not in the table: %j',
    (name) => {
      expect(cpuPowerFor(name, null)).toEqual({ watts: DEFAULT_CPU_WATTS, from: 'default', family: null });
    },
  );

  it('the default is 85 W (CodeCarbon)', () => {
    expect(DEFAULT_CPU_WATTS).toBe(85);
  });

  it("takes the user's watts over the table and the default", () => {
    expect(cpuPowerFor('Intel(R) Core(TM) i9-13900K', 253)).toEqual({ watts: 253, from: 'user', family: null });
    expect(cpuPowerFor('AMD EPYC 7763', 280)).toEqual({ watts: 280, from: 'user', family: null });
  });
});

describe('wattsPerThread', () => {
  it('is 50% of the rated power shared by the hardware threads', () => {
    expect(FULL_LOAD_SHARE).toBe(0.5);
    expect(wattsPerThread({ watts: 15, from: 'table', family: 'x' }, 8)).toBeCloseTo(0.9375, 12);
    expect(wattsPerThread({ watts: 105, from: 'table', family: 'x' }, 16)).toBeCloseTo(3.28125, 12);
    expect(wattsPerThread({ watts: 85, from: 'default', family: null }, 1)).toBe(42.5);
  });

  it('takes fewer than one thread as one', () => {
    expect(wattsPerThread({ watts: 20, from: 'user', family: null }, 0)).toBe(10);
  });
});

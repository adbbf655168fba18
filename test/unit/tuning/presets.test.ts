/** The scenario presets on small, middling and large machines. */
import { describe, expect, it } from 'vitest';
import { TuningValues } from '../../../electron/common/contract';
import { scenarioValues, scenarios } from '../../../electron/services/tuning/presets';

const MB = 1024 * 1024;

describe('scenarios', () => {
  it('are the brief\'s four, with its thread and memory limits', () => {
    const list = scenarios({ logical: 8, physical: 4 });
    expect(list.map((s) => [s.id, s.name, s.briefScenario, s.briefMaxThreads, s.briefMemoryBytes / MB])).toEqual([
      ['battery', 'Battery saver', 'mobile', 2, 512],
      ['balanced', 'Balanced', 'edge', 4, 1024],
      ['performance', 'Performance', 'server', 8, 2048],
      ['maximum', 'Maximum', 'cloud', 16, 4096],
    ]);
    for (const s of list) {
      expect(() => TuningValues.parse(s.values)).not.toThrow();
      expect(s.description.length).toBeGreaterThan(10);
    }
  });

  it('set the same context, micro-batch, head and reply length everywhere', () => {
    for (const cores of [{ logical: 2, physical: 2 }, { logical: 32, physical: 16 }]) {
      const rest = scenarios(cores).map(({ values: { threads: _threads, ...rest } }) => rest);
      expect(rest).toEqual([
        { contextTokens: 2048, promptBatch: 32, headType: 'q6_k', maxTokens: 256 },
        { contextTokens: 4096, promptBatch: 64, headType: 'q8_0', maxTokens: 512 },
        { contextTokens: 4096, promptBatch: 128, headType: 'q8_0', maxTokens: 1024 },
        { contextTokens: 8192, promptBatch: 256, headType: 'f16', maxTokens: 2048 },
      ]);
    }
  });

  it('threads: the brief\'s limit, capped at the physical cores (logical for Maximum)', () => {
    const threads = (logical: number, physical: number) => scenarios({ logical, physical }).map((s) => s.values.threads);
    // A 2-core machine (two hyper-threads on one core, and two real cores).
    expect(threads(2, 1)).toEqual([1, 1, 1, 2]);
    expect(threads(2, 2)).toEqual([2, 2, 2, 2]);
    // 8 logical on 4 physical, and 8 real cores.
    expect(threads(8, 4)).toEqual([2, 4, 4, 8]);
    expect(threads(8, 8)).toEqual([2, 4, 8, 8]);
    // 32 logical on 16 physical.
    expect(threads(32, 16)).toEqual([2, 4, 8, 16]);
    expect(scenarioValues('maximum', { logical: 32, physical: 16 }).threads).toBe(16);
  });
});

import type { Benchmark, BenchmarkProgress, TuningState } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface TuningSlice {
  /** The tuning values in force, the scenarios, the profiles (null until loaded). */
  tuning: TuningState | null;
  tuningStatus: LoadStatus;
  tuningError: string | null;
  /** The last tuning change (values, scenario, profile) that failed, said plainly. */
  tuningActionError: string | null;
  /** The benchmark runs the host keeps, newest first (null until loaded). */
  benchmarks: Benchmark[] | null;
  benchmarksError: string | null;
  /** A run started here is under way (runBenchmark has not answered yet). */
  benchmarkStarting: boolean;
  /** The running benchmark's last progress event. */
  benchmarkProgress: BenchmarkProgress | null;
  /** The last run, Cancel, Apply best or Export that failed, said plainly. */
  benchmarkError: string | null;
  /** The run whose results are shown; null: the latest. */
  shownBenchmarkId: string | null;
}

export const initialTuningSlice = (): TuningSlice => ({
  tuning: null,
  tuningStatus: 'idle',
  tuningError: null,
  tuningActionError: null,
  benchmarks: null,
  benchmarksError: null,
  benchmarkStarting: false,
  benchmarkProgress: null,
  benchmarkError: null,
  shownBenchmarkId: null,
});

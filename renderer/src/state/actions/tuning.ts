import type {
  Benchmark,
  BenchmarkProgress,
  BenchmarkRequest,
  ExportedFile,
  ScenarioId,
  TuningChanges,
  TuningState,
  Unsubscribe,
} from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';
import { following } from './following';

const { setState, getState } = useTernStore;

/** What a tuning change answers: the state as the host keeps it, or the error to show. */
export type TuningOutcome = { ok: true; tuning: TuningState } | { ok: false; error: string };

export async function loadTuning(): Promise<void> {
  setState((s) => ({ tuningStatus: s.tuningStatus === 'ready' ? 'ready' : 'loading', tuningError: null }));
  try {
    setTuning(await getStoreApi().getTuning({}));
  } catch (error) {
    setState({ tuningStatus: 'error', tuningError: describeError(error) });
  }
}

/** The tuning state from a call or a tuningChanged event. */
export function setTuning(tuning: TuningState): void {
  setState({ tuning, tuningStatus: 'ready', tuningError: null });
}

export async function loadBenchmarks(): Promise<void> {
  try {
    const list = await getStoreApi().listBenchmarks({});
    setState({ benchmarks: newestFirst(list), benchmarksError: null });
  } catch (error) {
    setState({ benchmarksError: describeError(error) });
  }
}

function newestFirst(list: Benchmark[]): Benchmark[] {
  return [...list].sort((a, b) => b.createdAt - a.createdAt);
}

/** A benchmark from a call or a benchmarkChanged event, put in the list in its place. */
export function setBenchmark(benchmark: Benchmark): void {
  setState((s) => {
    const list = s.benchmarks ?? [];
    const known = list.some((b) => b.id === benchmark.id);
    const benchmarks = newestFirst(known ? list.map((b) => (b.id === benchmark.id ? benchmark : b)) : [...list, benchmark]);
    const ended = benchmark.state !== 'running' && s.benchmarkProgress?.id === benchmark.id;
    return { benchmarks, ...(ended ? { benchmarkProgress: null } : {}) };
  });
}

export function setBenchmarkProgress(progress: BenchmarkProgress): void {
  setState({ benchmarkProgress: progress });
}

const tuning = following(() => {
  const on = getStoreApi().on;
  const stops = [on.tuningChanged(setTuning), on.benchmarkProgress(setBenchmarkProgress), on.benchmarkChanged(setBenchmark)];
  void loadTuning();
  void loadBenchmarks();
  return () => {
    for (const stop of stops) stop();
  };
});

/**
 * Keeps the tuning state and the benchmarks current while the Tuning view shows them: the first
 * follower loads them and listens to tuningChanged, benchmarkProgress and benchmarkChanged; the
 * last one to stop ends the listening. Returns the stop.
 */
export function followTuning(): Unsubscribe {
  return tuning.follow();
}

/** Loads the tuning state and the benchmarks again if the view follows them (after a reconnect). */
export function refreshTuning(): void {
  if (!tuning.active()) return;
  void loadTuning();
  void loadBenchmarks();
}

async function change(what: string, run: () => Promise<TuningState>): Promise<TuningOutcome> {
  try {
    const tuning = await run();
    setTuning(tuning);
    setState({ tuningActionError: null });
    return { ok: true, tuning };
  } catch (error) {
    const message = `Could not ${what}: ${describeError(error)}`;
    setState({ tuningActionError: message });
    return { ok: false, error: message };
  }
}

/** Changes some values (threads apply to the next reply; context, micro-batch and head after a reload). */
export function updateTuning(changes: TuningChanges): Promise<TuningOutcome> {
  return change('change the tuning', () => getStoreApi().updateTuning(changes));
}

export function applyScenario(scenario: ScenarioId): Promise<TuningOutcome> {
  return change('apply the scenario', () => getStoreApi().applyScenario({ scenario }));
}

export function saveTuningProfile(name: string): Promise<TuningOutcome> {
  return change('save the profile', () => getStoreApi().saveProfile({ name }));
}

export function applyTuningProfile(id: string): Promise<TuningOutcome> {
  return change('apply the profile', () => getStoreApi().applyProfile({ id }));
}

export function deleteTuningProfile(id: string): Promise<TuningOutcome> {
  return change('delete the profile', () => getStoreApi().deleteProfile({ id }));
}

/** A model's own default profile; null: none. */
export function setModelProfile(modelId: string, profileId: string | null): Promise<TuningOutcome> {
  return change("set the model's default profile", () => getStoreApi().setModelProfile({ modelId, profileId }));
}

export function dismissTuningError(): void {
  setState({ tuningActionError: null });
}

/**
 * Runs a thread sweep. The call answers when the run ends (done, cancelled or failed); progress
 * comes as events meanwhile. The finished run becomes the one shown.
 */
export async function runBenchmark(request: BenchmarkRequest = {}): Promise<void> {
  if (getState().benchmarkStarting) return;
  setState({ benchmarkStarting: true, benchmarkProgress: null, benchmarkError: null });
  try {
    const benchmark = await getStoreApi().runBenchmark(request);
    setBenchmark(benchmark);
    setState({ shownBenchmarkId: null });
    if (benchmark.state === 'failed') {
      setState({ benchmarkError: `The benchmark failed: ${benchmark.error ?? 'no reason given'}` });
    }
  } catch (error) {
    setState({ benchmarkError: `Could not run the benchmark: ${describeError(error)}` });
  } finally {
    setState({ benchmarkStarting: false, benchmarkProgress: null });
  }
}

/** Stops the run after the repetition in progress. */
export async function cancelBenchmark(): Promise<void> {
  try {
    await getStoreApi().cancelBenchmark({});
  } catch (error) {
    setState({ benchmarkError: `Could not cancel the benchmark: ${describeError(error)}` });
  }
}

/** Sets the thread count to the run's best. */
export async function applyBestThreads(id: string): Promise<void> {
  try {
    setTuning(await getStoreApi().applyBestThreads({ id }));
    setState({ benchmarkError: null });
  } catch (error) {
    setState({ benchmarkError: `Could not apply the best thread count: ${describeError(error)}` });
  }
}

export type BenchmarkExportOutcome = { ok: true; file: ExportedFile } | { ok: false; error: string };

/** The run as JSON or Markdown, ready to be offered as a download. */
export async function exportBenchmark(id: string, format: 'json' | 'markdown'): Promise<BenchmarkExportOutcome> {
  try {
    const { fileName, content } = await getStoreApi().exportBenchmark({ id, format });
    setState({ benchmarkError: null });
    return { ok: true, file: { fileName, content, mimeType: format === 'json' ? 'application/json' : 'text/markdown' } };
  } catch (error) {
    const message = `Could not export the benchmark: ${describeError(error)}`;
    setState({ benchmarkError: message });
    return { ok: false, error: message };
  }
}

/** Shows an earlier run's results; null: the latest. */
export function showBenchmark(id: string | null): void {
  setState({ shownBenchmarkId: id });
}

export function dismissBenchmarkError(): void {
  setState({ benchmarkError: null });
}

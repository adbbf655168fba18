import { useId, useState, type FormEvent } from 'react';
import { DismissibleError } from '../../../components/DismissibleError';
import type { Benchmark, BenchmarkRequest, TuningState } from '../../../lib/contract';
import { parseNumber } from '../../../lib/number-field';
import { parseThreadList } from '../../../lib/tuning-words';
import {
  cancelBenchmark,
  dismissBenchmarkError,
  loadBenchmarks,
  runBenchmark,
  showBenchmark,
  useBenchmarkState,
  useCanChange,
} from '../../../state';
import { BenchmarkResults } from './BenchmarkResults';

/** The default sweep as the host runs it: 1, 2, 4 … up to the logical cores, and the physical count. */
function defaultThreads(tuning: TuningState): number[] {
  const counts = new Set<number>([tuning.physicalCores, tuning.logicalCores]);
  for (let t = 1; t <= tuning.logicalCores; t *= 2) counts.add(t);
  return [...counts].sort((a, b) => a - b);
}

function runLabel(benchmark: Benchmark): string {
  const state = benchmark.state === 'done' ? '' : ` (${benchmark.state})`;
  return `${new Date(benchmark.createdAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })} · ${benchmark.modelName}${state}`;
}

function RunForm({ tuning, running }: { tuning: TuningState; running: boolean }) {
  const canChange = useCanChange();
  const id = useId();
  const [threads, setThreads] = useState('');
  const [repetitions, setRepetitions] = useState('');
  const [errors, setErrors] = useState<{ threads?: string; repetitions?: string }>({});

  function run(event: FormEvent) {
    event.preventDefault();
    const list = parseThreadList(threads, tuning.logicalCores);
    const reps = repetitions.trim() ? parseNumber(repetitions, { min: 1, max: 20, integer: true }) : null;
    const next: typeof errors = {};
    if (!list.ok) next.threads = list.error;
    if (reps && !reps.ok) next.repetitions = reps.error;
    setErrors(next);
    if (!list.ok || (reps && !reps.ok)) return;
    const request: BenchmarkRequest = {};
    if (list.value) request.threads = list.value;
    if (reps?.ok) request.repetitions = reps.value;
    void runBenchmark(request);
  }

  return (
    <form className="bench-form" onSubmit={run} noValidate>
      <div className="field-grid">
        <div className={errors.threads ? 'field invalid' : 'field'}>
          <label htmlFor={`${id}-threads`} className="field-label">
            Thread counts
          </label>
          <input
            id={`${id}-threads`}
            className="field-input"
            value={threads}
            placeholder={defaultThreads(tuning).join(', ')}
            disabled={running}
            aria-invalid={errors.threads ? true : undefined}
            aria-describedby={`${id}-threads-hint`}
            onChange={(e) => {
              setThreads(e.target.value);
              setErrors((current) => ({ ...current, threads: undefined }));
            }}
          />
          <p id={`${id}-threads-hint`} className={errors.threads ? 'field-error' : 'field-hint'}>
            {errors.threads ?? 'Optional; empty: the counts shown.'}
          </p>
        </div>
        <div className={errors.repetitions ? 'field invalid' : 'field'}>
          <label htmlFor={`${id}-reps`} className="field-label">
            Repetitions
          </label>
          <input
            id={`${id}-reps`}
            className="field-input"
            type="number"
            inputMode="numeric"
            min={1}
            max={20}
            value={repetitions}
            placeholder="3"
            disabled={running}
            aria-invalid={errors.repetitions ? true : undefined}
            aria-describedby={`${id}-reps-hint`}
            onChange={(e) => {
              setRepetitions(e.target.value);
              setErrors((current) => ({ ...current, repetitions: undefined }));
            }}
          />
          <p id={`${id}-reps-hint`} className={errors.repetitions ? 'field-error' : 'field-hint'}>
            {errors.repetitions ?? 'Optional; per thread count, 1 to 20.'}
          </p>
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={running || !canChange} aria-busy={running || undefined}>
          Run benchmark
        </button>
      </div>
    </form>
  );
}

/** The in-app benchmark: run a thread sweep, follow it, and read what is best here. */
export function BenchmarkSection({ tuning }: { tuning: TuningState }) {
  const canChange = useCanChange();
  const { benchmarks, listError, starting, progress, error, shownId } = useBenchmarkState();
  const runId = useId();
  const running = starting || (benchmarks ?? []).some((b) => b.state === 'running');
  const finished = (benchmarks ?? []).filter((b) => b.state !== 'running');
  const shown = finished.find((b) => b.id === shownId) ?? finished[0] ?? null;
  const percent = progress ? Math.round((progress.done / progress.total) * 100) : null;

  return (
    <div className="bench">
      <p className="field-hint bench-intro">
        Measures prompt (prefill) and reply (decode) speed at each thread count on the loaded model, or the default model if none
        is loaded. Chat and the API wait while it runs.
      </p>
      <RunForm tuning={tuning} running={running} />

      {running && (
        <div className="bench-progress">
          <div
            className={percent === null ? 'progress progress-indeterminate' : 'progress'}
            role="progressbar"
            aria-label="Benchmark progress"
            aria-valuemin={percent === null ? undefined : 0}
            aria-valuemax={percent === null ? undefined : 100}
            aria-valuenow={percent ?? undefined}
            aria-valuetext={progress ? `${progress.done} of ${progress.total}: ${progress.step}` : 'Starting'}
            aria-busy
          >
            <div className="progress-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
          </div>
          <div className="bench-progress-row">
            <p className="bench-step" aria-live="polite">
              {progress ? `${progress.step} (${progress.done} of ${progress.total})` : 'Starting the benchmark…'}
            </p>
            <button type="button" className="button button-small" disabled={!canChange} onClick={() => void cancelBenchmark()}>
              Cancel
            </button>
          </div>
        </div>
      )}

      <DismissibleError message={error} onDismiss={dismissBenchmarkError} className="bench-notice" />
      {listError && (
        <div className="notice notice-error bench-notice" role="alert">
          <span>Could not read the earlier runs: {listError}</span>
          <button type="button" className="button" onClick={() => void loadBenchmarks()}>
            Try again
          </button>
        </div>
      )}

      {finished.length > 1 && (
        <div className="field bench-runs">
          <label htmlFor={runId} className="field-label">
            Earlier runs
          </label>
          <select
            id={runId}
            className="field-input"
            value={shown?.id ?? ''}
            onChange={(e) => showBenchmark(e.target.value === finished[0]?.id ? null : e.target.value)}
          >
            {finished.map((b, i) => (
              <option key={b.id} value={b.id}>
                {i === 0 ? `Latest: ${runLabel(b)}` : runLabel(b)}
              </option>
            ))}
          </select>
        </div>
      )}
      {shown ? (
        <BenchmarkResults benchmark={shown} currentThreads={tuning.values.threads} />
      ) : (
        benchmarks !== null && !running && <p className="list-note">No benchmark has run on this computer yet.</p>
      )}
    </div>
  );
}

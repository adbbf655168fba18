import { lazy, Suspense } from 'react';
import { EnergySourceBadge } from '../../../components/EnergySourceBadge';
import { Icon } from '../../../components/Icon';
import { MenuButton } from '../../../components/MenuButton';
import type { Benchmark } from '../../../lib/contract';
import { downloadFile } from '../../../lib/download';
import { formatJoules, formatKernels, formatRelativeTime } from '../../../lib/format';
import { formatMs, formatRange, formatRate } from '../../../lib/tuning-words';
import { applyBestThreads, exportBenchmark, useCanChange } from '../../../state';

// The chart library loads with the first chart, not with the app.
const BenchmarkChart = lazy(() => import('./BenchmarkChart').then((m) => ({ default: m.BenchmarkChart })));

function Figure({ median, range }: { median: string; range: string }) {
  return (
    <>
      <span className="bench-median">{median}</span> <span className="bench-range">{range}</span>
    </>
  );
}

const STATE_WORDS: Record<Benchmark['state'], string> = {
  running: 'Running',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** One run: what it ran on, a row per thread count, the chart, Apply best and Export. */
export function BenchmarkResults({ benchmark, currentThreads }: { benchmark: Benchmark; currentThreads: number }) {
  const canChange = useCanChange();
  const rows = [...benchmark.rows].sort((a, b) => a.threads - b.threads);
  const best = benchmark.bestThreads;

  async function save(format: 'json' | 'markdown') {
    const outcome = await exportBenchmark(benchmark.id, format);
    if (outcome.ok) downloadFile(outcome.file);
  }

  return (
    <div className="bench-results">
      <div className="bench-run-head">
        <p className="bench-run-title">
          {benchmark.modelName} · {formatRelativeTime(benchmark.createdAt)}
        </p>
        {benchmark.state !== 'done' && (
          <span className={benchmark.state === 'failed' ? 'badge badge-error' : 'badge badge-interrupted'}>{STATE_WORDS[benchmark.state]}</span>
        )}
      </div>
      {benchmark.state === 'cancelled' && <p className="field-hint">Cancelled: the thread counts measured before it stopped.</p>}
      {benchmark.state === 'failed' && benchmark.error && <p className="field-error">{benchmark.error}</p>}

      <dl className="facts bench-facts">
        <dt>Machine</dt>
        <dd>{benchmark.cpu}</dd>
        <dt>Model</dt>
        <dd>
          {benchmark.modelName} <span className="path muted">{benchmark.modelFile}</span>
        </dd>
        <dt>Kernel paths</dt>
        <dd>{formatKernels(benchmark.kernels)}</dd>
        <dt>Engine</dt>
        <dd>{benchmark.engineVersion}</dd>
        <dt>Settings</dt>
        <dd>
          context {benchmark.settings.contextTokens.toLocaleString('en-US')} tokens, prompt micro-batch {benchmark.settings.promptBatch},
          head {benchmark.settings.headType.toUpperCase()}
        </dd>
        <dt>Each measurement</dt>
        <dd>
          {benchmark.repetitions} {benchmark.repetitions === 1 ? 'repetition' : 'repetitions'}, {benchmark.genTokens} tokens generated;
          median and min–max shown
        </dd>
      </dl>

      {rows.length === 0 ? (
        <p className="list-note">No thread count was measured.</p>
      ) : (
        <>
          <div className="bench-table-wrap">
            <table className="bench-table">
              <caption>Benchmark results</caption>
              <thead>
                <tr>
                  <th scope="col">Threads</th>
                  <th scope="col">Prefill tok/s</th>
                  <th scope="col">Decode tok/s</th>
                  {benchmark.promptLengths.map((length) => (
                    <th key={length} scope="col">
                      TTFT at {length.toLocaleString('en-US')} tokens
                    </th>
                  ))}
                  <th scope="col">J/token</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const isBest = row.threads === best;
                  return (
                    <tr key={row.threads} className={isBest ? 'bench-best' : undefined}>
                      <th scope="row">
                        {row.threads}
                        {isBest && <span className="badge badge-best">best</span>}
                      </th>
                      <td>
                        <Figure median={formatRate(row.prefillTokensPerSecond.median)} range={formatRange(row.prefillTokensPerSecond)} />
                      </td>
                      <td>
                        <Figure median={formatRate(row.decodeTokensPerSecond.median)} range={formatRange(row.decodeTokensPerSecond)} />
                      </td>
                      {benchmark.promptLengths.map((length, i) => {
                        const ttft = row.ttftMs[i];
                        return <td key={length}>{ttft ? <Figure median={formatMs(ttft.median)} range={formatRange(ttft, formatMs)} /> : '—'}</td>;
                      })}
                      <td>
                        {row.joulesPerToken ? (
                          <Figure median={formatJoules(row.joulesPerToken.median)} range={formatRange(row.joulesPerToken, formatJoules)} />
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="field-hint">
            Best: the highest median decode rate (on a tie, the fewer threads).
            {benchmark.energySource && (
              <>
                {' '}
                J/token: each run's energy over the tokens it generated, energy{' '}
                <EnergySourceBadge source={benchmark.energySource} />.
              </>
            )}
          </p>
          <Suspense fallback={<div className="bench-chart" aria-busy="true" />}>
            <BenchmarkChart rows={benchmark.rows} bestThreads={best} />
          </Suspense>
        </>
      )}

      <div className="bench-actions">
        {best !== null && (
          <p className="bench-best-note" id={`${benchmark.id}-best`}>
            {best === currentThreads ? `CPU threads are at the best here: ${best}.` : `Best here: ${best} threads (now ${currentThreads}).`}
          </p>
        )}
        <button
          type="button"
          className="button button-primary"
          disabled={best === null || !canChange}
          aria-describedby={best !== null ? `${benchmark.id}-best` : undefined}
          onClick={() => void applyBestThreads(benchmark.id)}
        >
          Apply best
        </button>
        <MenuButton
          label="Export benchmark"
          className="button"
          icon={<Icon name="download" />}
          disabled={!canChange}
          choices={[
            { label: 'JSON', onSelect: () => void save('json') },
            { label: 'Markdown', onSelect: () => void save('markdown') },
          ]}
        />
      </div>
    </div>
  );
}

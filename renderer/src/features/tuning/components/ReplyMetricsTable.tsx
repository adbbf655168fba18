import { EnergySourceBadge } from '../../../components/EnergySourceBadge';
import type { ReplyMetrics } from '../../../lib/contract';
import { formatJoules } from '../../../lib/format';
import { formatMs, formatRate } from '../../../lib/tuning-words';

const NONE = '—';

function time(at: number): string {
  return new Date(at).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function model(row: ReplyMetrics): string {
  const name = row.modelName ?? NONE;
  return row.source === 'api' ? `${name} (API)` : name;
}

const STATUS_WORDS = { interrupted: 'interrupted', error: 'failed' } as const;

/** The latest replies' metrics, newest first: one compact row each. */
export function ReplyMetricsTable({ rows }: { rows: ReplyMetrics[] }) {
  return (
    <div className="bench-table-wrap">
      <table className="bench-table metrics-table">
        <caption>Recent replies</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Model</th>
            <th scope="col">Tokens</th>
            <th scope="col">TTFT</th>
            <th scope="col">Decode tok/s</th>
            <th scope="col">p95</th>
            <th scope="col">CPU %</th>
            <th scope="col">Energy</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <time dateTime={new Date(row.startedAt).toISOString()}>{time(row.startedAt)}</time>
              </th>
              <td className="metrics-model">
                {model(row)}
                {row.status !== 'complete' && <span className="badge badge-interrupted">{STATUS_WORDS[row.status]}</span>}
              </td>
              <td>{row.generatedTokens ?? NONE}</td>
              <td>{row.ttftMs === null ? NONE : formatMs(row.ttftMs)}</td>
              <td>{row.decodeTokensPerSec === null ? NONE : formatRate(row.decodeTokensPerSec)}</td>
              <td>{row.tokenP95Ms === null ? NONE : `${row.tokenP95Ms.toFixed(1)} ms`}</td>
              <td>{row.cpuPercent === null ? NONE : `${Math.round(row.cpuPercent)}%`}</td>
              <td>
                {row.energyJoules === null ? (
                  NONE
                ) : (
                  <>
                    {formatJoules(row.energyJoules)} J <EnergySourceBadge source={row.energySource} />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

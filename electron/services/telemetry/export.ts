/** Every kept reply's metrics and the alerts, as JSON (everything) or CSV (one row per reply). */
import type { Alert, EnergyStatus, ReplyMetrics } from '../../common/contract';
import { METRICS_FIELDS } from '../store/metrics';

export interface MetricsExport {
  exportedAt: number;
  energy: EnergyStatus;
  metrics: ReplyMetrics[];
  alerts: (Alert & { dismissed: boolean })[];
}

export function exportMetrics(data: MetricsExport, format: 'json' | 'csv'): { fileName: string; content: string } {
  const stem = `tern-metrics-${new Date(data.exportedAt).toISOString().slice(0, 19).replace(/[T:]/g, '-')}`;
  if (format === 'json') {
    return { fileName: `${stem}.json`, content: `${JSON.stringify({ format: 'tern-metrics', version: 1, ...data }, null, 2)}\n` };
  }
  const lines = [METRICS_FIELDS.join(',')];
  for (const row of data.metrics) lines.push(METRICS_FIELDS.map((field) => csvCell(field === 'startedAt' ? new Date(row.startedAt).toISOString() : row[field])).join(','));
  return { fileName: `${stem}.csv`, content: `${lines.join('\r\n')}\r\n` };
}

/**
 * A CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. Text that a
 * spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote mark.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

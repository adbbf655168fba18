/** Per-reply metrics and the alerts they raised, kept for the retention the user sets. */
import type Database from 'better-sqlite3';
import type { Alert, ReplyMetrics } from '../../common/contract';

interface MetricsRow {
  id: string;
  started_at: number;
  duration_ms: number;
  conversation_id: string | null;
  message_id: string | null;
  source: ReplyMetrics['source'];
  model_id: string | null;
  model_name: string | null;
  status: ReplyMetrics['status'];
  threads: number | null;
  prompt_tokens: number | null;
  generated_tokens: number | null;
  ttft_ms: number | null;
  prefill_tps: number | null;
  decode_tps: number | null;
  token_p50_ms: number | null;
  token_p95_ms: number | null;
  cpu_percent: number | null;
  peak_memory_bytes: number | null;
  memory_expected_bytes: number | null;
  energy_joules: number | null;
  joules_per_token: number | null;
  power_watts: number | null;
  energy_source: ReplyMetrics['energySource'];
}

/** The column of each field, in the table's order (the insert and the export use it). */
const COLUMNS: Record<keyof ReplyMetrics, keyof MetricsRow> = {
  id: 'id',
  startedAt: 'started_at',
  durationMs: 'duration_ms',
  conversationId: 'conversation_id',
  messageId: 'message_id',
  source: 'source',
  modelId: 'model_id',
  modelName: 'model_name',
  status: 'status',
  threads: 'threads',
  promptTokens: 'prompt_tokens',
  generatedTokens: 'generated_tokens',
  ttftMs: 'ttft_ms',
  prefillTokensPerSec: 'prefill_tps',
  decodeTokensPerSec: 'decode_tps',
  tokenP50Ms: 'token_p50_ms',
  tokenP95Ms: 'token_p95_ms',
  cpuPercent: 'cpu_percent',
  peakMemoryBytes: 'peak_memory_bytes',
  memoryExpectedBytes: 'memory_expected_bytes',
  energyJoules: 'energy_joules',
  joulesPerToken: 'joules_per_token',
  powerWatts: 'power_watts',
  energySource: 'energy_source',
};

const FIELDS = Object.keys(COLUMNS) as (keyof ReplyMetrics)[];

interface AlertRow {
  id: string;
  at: number;
  metric: Alert['metric'];
  severity: Alert['severity'];
  value: number;
  threshold: number;
  text: string;
  conversation_id: string | null;
  message_id: string | null;
  dismissed: 0 | 1;
}

export class MetricsRepository {
  constructor(private readonly db: Database.Database) {}

  add(metrics: ReplyMetrics): void {
    const columns = FIELDS.map((field) => COLUMNS[field]);
    this.db
      .prepare(`INSERT INTO reply_metrics (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
      .run(...FIELDS.map((field) => metrics[field]));
  }

  /** The newest first; all of them when no limit is given. */
  latest(limit = -1): ReplyMetrics[] {
    return this.db
      .prepare<[number], MetricsRow>('SELECT * FROM reply_metrics ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(limit)
      .map(metricsFrom);
  }

  /** The statuses of the last `count` replies, newest first. */
  lastStatuses(count: number): ReplyMetrics['status'][] {
    return this.db
      .prepare<[number], { status: ReplyMetrics['status'] }>('SELECT status FROM reply_metrics ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(count)
      .map((row) => row.status);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM reply_metrics').get()!.n;
  }

  addAlert(alert: Alert): void {
    this.db
      .prepare(
        `INSERT INTO alerts (id, at, metric, severity, value, threshold, text, conversation_id, message_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(alert.id, alert.at, alert.metric, alert.severity, alert.value, alert.threshold, alert.text, alert.conversationId, alert.messageId);
  }

  /** Alerts not dismissed, newest first. */
  shownAlerts(limit: number): Alert[] {
    return this.db
      .prepare<[number], AlertRow>('SELECT * FROM alerts WHERE dismissed = 0 ORDER BY at DESC, rowid DESC LIMIT ?')
      .all(limit)
      .map(alertFrom);
  }

  /** Every alert kept, dismissed or not, newest first (the export). */
  allAlerts(): (Alert & { dismissed: boolean })[] {
    return this.db
      .prepare<[], AlertRow>('SELECT * FROM alerts ORDER BY at DESC, rowid DESC')
      .all()
      .map((row) => ({ ...alertFrom(row), dismissed: row.dismissed === 1 }));
  }

  dismissAlerts(): void {
    this.db.prepare('UPDATE alerts SET dismissed = 1 WHERE dismissed = 0').run();
  }

  /** Deletes metrics and alerts from before `time` (ms since the epoch); answers how many metrics went. */
  deleteBefore(time: number): number {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM alerts WHERE at < ?').run(time);
      return this.db.prepare('DELETE FROM reply_metrics WHERE started_at < ?').run(time).changes;
    })();
  }
}

function metricsFrom(row: MetricsRow): ReplyMetrics {
  return Object.fromEntries(FIELDS.map((field) => [field, row[COLUMNS[field]]])) as ReplyMetrics;
}

function alertFrom(row: AlertRow): Alert {
  return {
    id: row.id,
    at: row.at,
    metric: row.metric,
    severity: row.severity,
    value: row.value,
    threshold: row.threshold,
    text: row.text,
    conversationId: row.conversation_id,
    messageId: row.message_id,
  };
}

/** The fields of a reply's metrics in the order of the export's columns. */
export const METRICS_FIELDS: readonly (keyof ReplyMetrics)[] = FIELDS;

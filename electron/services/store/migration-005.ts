/**
 * Version 5, for monitoring: each reply's metrics (timings, CPU, memory, energy and where the
 * energy figure comes from) and the alerts they raised. Both outlive the message they describe
 * (its id becomes NULL) until the retention setting deletes them.
 */
import type { Migration } from './migrations';

export const migration005: Migration = {
  version: 5,
  description: 'per-reply metrics and alerts',
  up: `
    CREATE TABLE reply_metrics (
      id                     TEXT PRIMARY KEY NOT NULL,
      started_at             INTEGER NOT NULL,
      duration_ms            REAL NOT NULL CHECK (duration_ms >= 0),
      conversation_id        TEXT REFERENCES conversations(id) ON DELETE SET NULL,
      message_id             TEXT REFERENCES messages(id) ON DELETE SET NULL,
      source                 TEXT NOT NULL CHECK (source IN ('ui', 'api')),
      model_id               TEXT,
      model_name             TEXT,
      status                 TEXT NOT NULL CHECK (status IN ('complete', 'interrupted', 'error')),
      threads                INTEGER,
      prompt_tokens          INTEGER,
      generated_tokens       INTEGER,
      ttft_ms                REAL,
      prefill_tps            REAL,
      decode_tps             REAL,
      token_p50_ms           REAL,
      token_p95_ms           REAL,
      cpu_percent            REAL,
      peak_memory_bytes      REAL,
      memory_expected_bytes  REAL,
      energy_joules          REAL,
      joules_per_token       REAL,
      power_watts            REAL,
      energy_source          TEXT CHECK (energy_source IN ('measured', 'os-estimate', 'modelled'))
    );
    CREATE INDEX reply_metrics_started ON reply_metrics(started_at);
    CREATE INDEX reply_metrics_message ON reply_metrics(message_id);
    CREATE INDEX reply_metrics_conversation ON reply_metrics(conversation_id);

    CREATE TABLE alerts (
      id               TEXT PRIMARY KEY NOT NULL,
      at               INTEGER NOT NULL,
      metric           TEXT NOT NULL,
      severity         TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
      value            REAL NOT NULL,
      threshold        REAL NOT NULL,
      text             TEXT NOT NULL,
      conversation_id  TEXT REFERENCES conversations(id) ON DELETE SET NULL,
      message_id       TEXT REFERENCES messages(id) ON DELETE SET NULL,
      dismissed        INTEGER NOT NULL DEFAULT 0 CHECK (dismissed IN (0, 1))
    );
    CREATE INDEX alerts_at ON alerts(at);
    CREATE INDEX alerts_message ON alerts(message_id);
    CREATE INDEX alerts_conversation ON alerts(conversation_id);
  `,
};

/**
 * Monitoring: live readouts while the engine works, the energy figures and where they come from,
 * alert rules over each reply's metrics, and the per-reply metrics kept for export.
 *
 * Every energy figure carries its source: "measured" (a package energy counter such as Linux
 * RAPL, less the idle baseline), "os-estimate" (the OS's own per-process figure, macOS) or
 * "modelled" (the engine's CPU time times a share of the CPU's rated power).
 */
import { z } from 'zod';
import { Empty, Id, call } from '../schema';
import { EnergySource } from './conversations';

/** Where this machine's energy figures come from, and why no better tier is used. */
export const EnergyStatus = z.object({
  source: EnergySource,
  /** What is read or modelled, in one line ("RAPL package-0 (Linux powercap), less the idle baseline"). */
  detail: z.string(),
  /** Why the measured tier is not used, or null when it is. */
  unavailable: z.string().nullable(),
  /** A command that makes the measured tier readable (a udev rule), or null. */
  howTo: z.string().nullable(),
  /** The CPU's rated power (TDP) the modelled tier uses, in W; null when another tier is used. */
  cpuWatts: z.number().positive().nullable(),
  /** Where cpuWatts comes from: the table of common CPUs, the value entered, or a default for unknown CPUs. */
  cpuWattsFrom: z.enum(['table', 'user', 'default']).nullable(),
  /** The CPU's name as the table was searched for it. */
  cpuName: z.string(),
  /** The idle power last measured before a request (measured tier), in W; null before the first. */
  idleWatts: z.number().nonnegative().nullable(),
});
export type EnergyStatus = z.infer<typeof EnergyStatus>;

export const RequestSource = z.enum(['ui', 'api']);

/** What the engine is doing now, sent a few times a second while a request runs (never while idle). */
export const Readouts = z.object({
  /** The conversation and reply being written; null for a request from the local API. */
  conversationId: Id.nullable(),
  messageId: Id.nullable(),
  source: RequestSource,
  /** prefill: reading the prompt; decode: writing the reply; done: the last readouts of a request. */
  phase: z.enum(['prefill', 'decode', 'done']),
  elapsedMs: z.number().nonnegative(),
  /** Generated tokens so far. */
  tokens: z.number().int().nonnegative(),
  ttftMs: z.number().nonnegative().nullable(),
  /** Decode rate over the last second, and over the whole reply so far. */
  decodeTokensPerSecNow: z.number().nonnegative().nullable(),
  decodeTokensPerSecAvg: z.number().nonnegative().nullable(),
  /** Prompt tokens computed per second (known when the prompt is done). */
  prefillTokensPerSec: z.number().nonnegative().nullable(),
  /** Per-token latency percentiles, in ms, over the reply so far. */
  tokenP50Ms: z.number().nonnegative().nullable(),
  tokenP95Ms: z.number().nonnegative().nullable(),
  /** The latest per-token latencies, oldest first (the sparkline). */
  recentTokenMs: z.array(z.number().nonnegative()).max(120),
  /** The engine process's CPU use over the last sample, as a share of the threads given to it (100: all busy). */
  cpuPercent: z.number().nonnegative().nullable(),
  threads: z.number().int().positive().nullable(),
  /** The engine process's resident memory, and what it was expected to need (runtime + model estimate). */
  memoryBytes: z.number().nonnegative().nullable(),
  memoryExpectedBytes: z.number().nonnegative().nullable(),
  /** Power over the last sample, in W; energy so far in J; energy per generated token in J. */
  powerWatts: z.number().nonnegative().nullable(),
  energyJoules: z.number().nonnegative().nullable(),
  joulesPerToken: z.number().nonnegative().nullable(),
  energySource: EnergySource.nullable(),
});
export type Readouts = z.infer<typeof Readouts>;

/** One reply's metrics as kept for monitoring (they outlive the message, up to the retention). */
export const ReplyMetrics = z.object({
  id: Id,
  /** When the engine started on it, ms since the epoch. */
  startedAt: z.number().int(),
  durationMs: z.number().nonnegative(),
  conversationId: Id.nullable(),
  messageId: Id.nullable(),
  source: RequestSource,
  modelId: z.string().nullable(),
  modelName: z.string().nullable(),
  status: z.enum(['complete', 'interrupted', 'error']),
  threads: z.number().int().nullable(),
  promptTokens: z.number().int().nullable(),
  generatedTokens: z.number().int().nullable(),
  ttftMs: z.number().nullable(),
  prefillTokensPerSec: z.number().nullable(),
  decodeTokensPerSec: z.number().nullable(),
  tokenP50Ms: z.number().nullable(),
  tokenP95Ms: z.number().nullable(),
  cpuPercent: z.number().nullable(),
  peakMemoryBytes: z.number().nullable(),
  memoryExpectedBytes: z.number().nullable(),
  energyJoules: z.number().nullable(),
  joulesPerToken: z.number().nullable(),
  powerWatts: z.number().nullable(),
  energySource: EnergySource.nullable(),
});
export type ReplyMetrics = z.infer<typeof ReplyMetrics>;

/**
 * What an alert rule watches. memory: the engine's peak resident memory as a % of what it was
 * expected to need (above, and at least 256 MB over); cpu: its CPU use as a % of the threads given to it (below: other
 * programs take the CPU); decodeSpeed: tok/s (below); tokenLatency: per-token p95 in ms (above);
 * firstToken: time to first token in ms (above); errorRate: % of the last replies that failed (above).
 */
export const AlertMetric = z.enum(['memory', 'cpu', 'decodeSpeed', 'tokenLatency', 'firstToken', 'errorRate']);
export type AlertMetric = z.infer<typeof AlertMetric>;

export const AlertSeverity = z.enum(['warning', 'critical']);

export const AlertRule = z.object({
  metric: AlertMetric,
  enabled: z.boolean(),
  threshold: z.number().nonnegative().max(1_000_000),
  severity: AlertSeverity,
});
export type AlertRule = z.infer<typeof AlertRule>;

export const Alert = z.object({
  id: Id,
  at: z.number().int(),
  metric: AlertMetric,
  severity: AlertSeverity,
  value: z.number(),
  threshold: z.number(),
  /** The alert in words ("Decode 3.1 tok/s, below 5 tok/s"). */
  text: z.string(),
  conversationId: Id.nullable(),
  messageId: Id.nullable(),
});
export type Alert = z.infer<typeof Alert>;

export const MonitoringState = z.object({
  rules: z.array(AlertRule),
  /** The error rate is over this many last replies. */
  errorWindow: z.number().int().min(5).max(1000),
  /** Per-reply metrics and alerts older than this many days are deleted. */
  retentionDays: z.number().int().min(1).max(3650),
  /** The latest alerts not dismissed, newest first. */
  alerts: z.array(Alert),
  energy: EnergyStatus,
  /** Replies with metrics kept. */
  metricsCount: z.number().int().nonnegative(),
  /** The sampler runs only while the engine works; samples counts its calls since Tern started. */
  sampler: z.object({ active: z.boolean(), samples: z.number().int().nonnegative(), intervalMs: z.number().int().positive() }),
});
export type MonitoringState = z.infer<typeof MonitoringState>;

export const MonitoringChanges = z
  .object({
    rules: z
      .array(z.object({ metric: AlertMetric, enabled: z.boolean().optional(), threshold: AlertRule.shape.threshold.optional() }).strict())
      .max(AlertMetric.options.length)
      .optional(),
    errorWindow: MonitoringState.shape.errorWindow.optional(),
    retentionDays: MonitoringState.shape.retentionDays.optional(),
    /** The CPU's rated power for the modelled tier, in W; null: the table's, else the default. */
    cpuWatts: z.number().min(1).max(2000).nullable().optional(),
  })
  .strict();
export type MonitoringChanges = z.infer<typeof MonitoringChanges>;

export const monitoringCalls = {
  getMonitoring: call(Empty, MonitoringState),
  updateMonitoring: call(MonitoringChanges, MonitoringState),
  /** Puts the rules back to their defaults. */
  resetAlertRules: call(Empty, MonitoringState),
  /** Hides the alerts shown (they stay in the exported metrics). */
  dismissAlerts: call(Empty, MonitoringState),
  /** The latest replies' metrics, newest first. */
  listReplyMetrics: call(z.object({ limit: z.number().int().min(1).max(500) }).strict(), z.array(ReplyMetrics)),
  /** Every kept reply's metrics and the alerts, as JSON or CSV. */
  exportMetrics: call(z.object({ format: z.enum(['json', 'csv']) }).strict(), z.object({ fileName: z.string(), content: z.string() })),
} as const;

export const monitoringEvents = {
  readouts: Readouts,
  /** A rule was crossed by a reply. */
  alert: Alert,
  monitoringChanged: MonitoringState,
} as const;

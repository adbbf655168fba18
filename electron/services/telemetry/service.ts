/**
 * Telemetry: measures what the engine does while it works, and only then. A request's meter
 * reads the engine (its CPU time, memory and the energy counter of the tier in use) when the
 * engine starts on it, on each sampler tick while it runs and when it ends; the readouts go to
 * the window a few times a second, and the reply's metrics are stored and judged by the alert
 * rules. Nothing is read while the engine is idle, except the one read that starts an idle gap
 * (for the measured tier's idle baseline).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type Alert,
  type AlertRule,
  MonitoringChanges,
  MonitoringState,
  type ReplyMetrics,
} from '../../common/contract';
import type { EventBus } from '../dispatcher';
import type { EngineHost, EngineUsage } from '../engine-host/types';
import type { GenerateResult, TokenEvent } from '../native';
import type { Store } from '../store';
import type { EnergyCounter, EnergyTiers } from './energy/tiers';
import { exportMetrics } from './export';
import { type CounterReading, IdleBaseline } from './idle-baseline';
import { type EngineRead, type RequestContext, RequestMeter } from './meter';
import { DEFAULT_ERROR_WINDOW, DEFAULT_RETENTION_DAYS, DEFAULT_RULES, crossings } from './rules';

export const SAMPLE_INTERVAL_MS = 500;
/** An alert of a rule is not raised again while the last one is shown and younger than this. */
const REPEAT_AFTER_MS = 10 * 60_000;
const SHOWN_ALERTS = 50;
const DAY_MS = 86_400_000;
const CONFIG_KEY = 'monitoring';
/** A reading the engine has not answered in this long is given up (the reply does not wait on it). */
const USAGE_TIMEOUT_MS = 2000;

export interface TelemetryDeps {
  store: Pick<Store, 'metrics' | 'settings'>;
  events: Pick<EventBus, 'emit'>;
  engine: Pick<EngineHost, 'usage' | 'loaded' | 'onStatus'>;
  energy: EnergyTiers;
  /** Threads a request uses when it does not say (the engine's default: every hardware thread). */
  hardwareThreads: number;
  sampleIntervalMs?: number;
  /** Wall clock, ms since the epoch. */
  now?: () => number;
  /** Monotonic clock, ms. */
  clock?: () => number;
  log?: (message: string) => void;
}

/** What the chat (and later the local API) does with a request it measures. */
export interface RequestTracker {
  /** Pass as GenerateRequest.onStart; `threads` is the request's thread count. */
  onStart(threads: number | null): void;
  /** Call for each token event. */
  onToken(event: TokenEvent): void;
  /**
   * The request ended (result: what the engine answered, null when it failed): the last read,
   * then the metrics are stored and judged. Answers the metrics, or null for a request the
   * engine never started that did not fail.
   */
  end(result: GenerateResult | null, status: ReplyMetrics['status']): Promise<ReplyMetrics | null>;
}

/** A benchmark's energy: one figure per sample, in the order the samples came. */
export interface BenchmarkEnergy {
  onStart(): void;
  onSample(): void;
  /** Joules of each sample (null where not known), and the source. */
  end(): Promise<{ source: ReplyMetrics['energySource']; joules: (number | null)[] }>;
}

const Config = z.object({
  rules: z.array(z.object({ metric: z.string(), enabled: z.boolean(), threshold: z.number() })).optional(),
  errorWindow: MonitoringState.shape.errorWindow.optional(),
  retentionDays: MonitoringState.shape.retentionDays.optional(),
  cpuWatts: z.number().positive().nullable().optional(),
});

interface MonitoringConfig {
  rules: AlertRule[];
  errorWindow: number;
  retentionDays: number;
  cpuWatts: number | null;
}

export class TelemetryService {
  private readonly active = new Set<RequestMeter>();
  private readonly baseline = new IdleBaseline();
  private readonly lastRaised = new Map<string, number>();
  private readonly now: () => number;
  private readonly clock: () => number;
  private readonly log: (message: string) => void;
  private readonly intervalMs: number;
  private config: MonitoringConfig;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private samples = 0;
  /** Requests, benchmarks and loads in progress: the engine is busy while any is. */
  private busy = 0;
  private loading = false;
  private unsubscribe: () => void = () => undefined;
  private closed = false;

  constructor(private readonly deps: TelemetryDeps) {
    this.now = deps.now ?? Date.now;
    this.clock = deps.clock ?? (() => performance.now());
    this.log = deps.log ?? (() => undefined);
    this.intervalMs = deps.sampleIntervalMs ?? SAMPLE_INTERVAL_MS;
    this.config = this.readConfig();
    deps.energy.setUserWatts(this.config.cpuWatts);
  }

  /** Finds the energy tier, deletes what the retention has expired and starts the first idle gap. */
  async init(): Promise<void> {
    await this.deps.energy.init();
    this.prune();
    this.unsubscribe = this.deps.engine.onStatus((status) => {
      const loading = status.state === 'loading';
      if (loading === this.loading) return;
      this.loading = loading;
      if (loading) this.loadStarted();
      else this.leaveBusy(null);
    });
    void this.idleRead();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.stopTimer();
  }

  // ---- measuring ----------------------------------------------------------------------------

  track(context: RequestContext): RequestTracker {
    const meter = new RequestMeter(context);
    let starting: Promise<void> | null = null;
    return {
      onStart: (threads) => {
        // The usage request goes out now, before the engine gets the generation.
        const usage = this.usage();
        const atMs = this.clock();
        const wall = this.now();
        const endsGap = this.enterBusy();
        starting = this.begin(meter, usage, atMs, wall, threads ?? this.deps.hardwareThreads, endsGap);
      },
      onToken: (event) => {
        if (meter.token(event) === 'first' && meter.started) this.emitReadouts(meter, 'decode');
      },
      end: async (result, status) => {
        if (!starting) return status === 'error' ? this.record(meter, status, null) : null;
        await starting;
        const read = await this.read(meter.counter);
        meter.sample(read, this.idleWatts(meter.counter));
        this.active.delete(meter);
        if (this.active.size === 0) this.stopTimer();
        this.leaveBusy(meter.counter?.subtractIdle && read.joules !== null ? reading(meter.counter, read) : null);
        const metrics = this.record(meter, status, result);
        this.emitReadouts(meter, 'done', metrics);
        this.changed();
        return metrics;
      },
    };
  }

  /** Measures a benchmark's energy per sample (it reads the engine at its start and after each sample). */
  benchmarkEnergy(): BenchmarkEnergy {
    let counter: EnergyCounter | null = null;
    let chain: Promise<unknown> = Promise.resolve();
    const reads: Promise<EngineRead>[] = [];
    const mark = (): void => {
      const usage = this.usage();
      const atMs = this.clock();
      const next = chain.then(async () => {
        const u = await usage;
        if (!counter && u) counter = this.deps.energy.counterFor(u);
        return { atMs, usage: u, joules: counter && u ? await counter.read(u).catch(() => null) : null };
      });
      chain = next.catch(() => undefined);
      reads.push(next);
    };
    let started = false;
    return {
      onStart: () => {
        started = true;
        const endsGap = this.enterBusy();
        mark();
        void reads[0]!.then((first) => {
          if (endsGap) this.gapEnded(counter?.subtractIdle && first.joules !== null ? reading(counter, first) : null);
        });
      },
      onSample: () => {
        if (started) mark();
      },
      end: async () => {
        if (!started) return { source: null, joules: [] };
        const all = await Promise.all(reads);
        const last = all[all.length - 1]!;
        this.leaveBusy(counter?.subtractIdle && last.joules !== null ? reading(counter, last) : null);
        const idle = this.idleWatts(counter);
        const joules = all.slice(1).map((read, i) => {
          const before = all[i]!;
          if (read.joules === null || before.joules === null) return null;
          const gross = Math.max(0, read.joules - before.joules);
          return counter?.subtractIdle && idle !== null ? Math.max(0, gross - (idle * (read.atMs - before.atMs)) / 1000) : gross;
        });
        return { source: joules.some((j) => j !== null) ? ((counter as EnergyCounter | null)?.source ?? null) : null, joules };
      },
    };
  }

  // ---- calls ----------------------------------------------------------------------------------

  state(): MonitoringState {
    const { rules, errorWindow, retentionDays } = this.config;
    return {
      rules,
      errorWindow,
      retentionDays,
      alerts: this.deps.store.metrics.shownAlerts(SHOWN_ALERTS),
      energy: this.deps.energy.status(this.baseline.latest()),
      metricsCount: this.deps.store.metrics.count(),
      sampler: { active: this.timer !== null, samples: this.samples, intervalMs: this.intervalMs },
    };
  }

  update(changes: MonitoringChanges): MonitoringState {
    const next = { ...this.config, rules: [...this.config.rules] };
    for (const change of changes.rules ?? []) {
      const index = next.rules.findIndex((r) => r.metric === change.metric);
      const rule = next.rules[index]!;
      next.rules[index] = { ...rule, ...(change.enabled !== undefined ? { enabled: change.enabled } : {}), ...(change.threshold !== undefined ? { threshold: change.threshold } : {}) };
    }
    if (changes.errorWindow !== undefined) next.errorWindow = changes.errorWindow;
    if (changes.retentionDays !== undefined) next.retentionDays = changes.retentionDays;
    if (changes.cpuWatts !== undefined) {
      next.cpuWatts = changes.cpuWatts;
      this.deps.energy.setUserWatts(changes.cpuWatts);
    }
    this.save(next);
    if (changes.retentionDays !== undefined) this.prune();
    return this.changed();
  }

  resetRules(): MonitoringState {
    this.save({ ...this.config, rules: DEFAULT_RULES.map((r) => ({ ...r })) });
    return this.changed();
  }

  dismissAlerts(): MonitoringState {
    this.deps.store.metrics.dismissAlerts();
    this.lastRaised.clear();
    return this.changed();
  }

  listMetrics(limit: number): ReplyMetrics[] {
    return this.deps.store.metrics.latest(limit);
  }

  export(format: 'json' | 'csv'): { fileName: string; content: string } {
    const { metrics } = this.deps.store;
    return exportMetrics(
      { exportedAt: this.now(), energy: this.deps.energy.status(this.baseline.latest()), metrics: metrics.latest(), alerts: metrics.allAlerts() },
      format,
    );
  }

  /** How many times the engine has been read since Tern started (the sampler's calls). */
  sampleCount(): number {
    return this.samples;
  }

  // ---- inside ---------------------------------------------------------------------------------

  private async begin(
    meter: RequestMeter,
    usage: Promise<EngineUsage | null>,
    atMs: number,
    wall: number,
    threads: number,
    endsGap: boolean,
  ): Promise<void> {
    const u = await usage;
    const counter = u ? this.deps.energy.counterFor(u) : null;
    const joules = counter && u ? await counter.read(u).catch(() => null) : null;
    const read: EngineRead = { atMs, usage: u, joules };
    if (endsGap) this.gapEnded(counter?.subtractIdle && joules !== null ? reading(counter, read) : null);
    // The engine's own count of what the model holds (both KV slots once the API has used its
    // own); else the estimate the model was loaded with.
    const modelBytes = u?.modelBytes ?? this.deps.engine.loaded()?.description.memory.total ?? null;
    const expected = u && modelBytes !== null ? u.baseRssBytes + modelBytes : null;
    meter.begin(read, wall, counter, threads, expected);
    if (this.closed) return;
    this.active.add(meter);
    this.startTimer();
    this.emitReadouts(meter, meter.token.length >= 0 && meter.tokens > 0 ? 'decode' : 'prefill');
  }

  /** One read of the engine and the counter (a sampler call). */
  private async read(counter: EnergyCounter | null): Promise<EngineRead> {
    const usage = this.usage();
    const atMs = this.clock();
    const u = await usage;
    const joules = counter && u ? await counter.read(u).catch(() => null) : null;
    return { atMs, usage: u, joules };
  }

  /** The engine's usage now, or null when it does not answer (it died, or hangs) within USAGE_TIMEOUT_MS. */
  private usage(): Promise<EngineUsage | null> {
    this.samples += 1;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), USAGE_TIMEOUT_MS)));
    return Promise.race([this.deps.engine.usage().catch(() => null), late]).finally(() => clearTimeout(timer));
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const meters = [...this.active];
      const counters = new Map<string, EnergyCounter>();
      for (const m of meters) if (m.counter) counters.set(m.counter.key, m.counter);
      const usage = await this.usage();
      const atMs = this.clock();
      const joules = new Map<string, number | null>();
      for (const [key, counter] of counters) joules.set(key, usage ? await counter.read(usage).catch(() => null) : null);
      for (const meter of meters) {
        if (!this.active.has(meter)) continue;
        meter.sample({ atMs, usage, joules: meter.counter ? (joules.get(meter.counter.key) ?? null) : null }, this.idleWatts(meter.counter));
        this.emitReadouts(meter, meter.tokens > 0 ? 'decode' : 'prefill');
      }
    } finally {
      this.ticking = false;
    }
  }

  private startTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.tick().catch((e: unknown) => this.log(`telemetry: a sample failed: ${String(e)}`)), this.intervalMs);
    this.timer.unref?.();
    this.changed();
  }

  private stopTimer(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  private emitReadouts(meter: RequestMeter, phase: 'prefill' | 'decode' | 'done', metrics?: ReplyMetrics): void {
    const readouts = meter.readouts(phase, this.clock(), this.idleWatts(meter.counter));
    if (metrics) {
      readouts.prefillTokensPerSec = metrics.prefillTokensPerSec;
      readouts.decodeTokensPerSecAvg = metrics.decodeTokensPerSec ?? readouts.decodeTokensPerSecAvg;
      readouts.ttftMs = metrics.ttftMs;
      readouts.cpuPercent = metrics.cpuPercent;
      readouts.powerWatts = metrics.powerWatts;
      readouts.energyJoules = metrics.energyJoules;
      readouts.joulesPerToken = metrics.joulesPerToken;
      readouts.energySource = metrics.energySource;
    }
    this.deps.events.emit('readouts', readouts);
  }

  private record(meter: RequestMeter, status: ReplyMetrics['status'], result: GenerateResult | null): ReplyMetrics {
    const metrics = meter.metrics(randomUUID(), status, result, this.idleWatts(meter.counter));
    if (!meter.started) metrics.startedAt = this.now();
    const { store } = this.deps;
    try {
      store.metrics.add(metrics);
      this.raise(metrics);
      this.prune();
    } catch (error) {
      this.log(`telemetry: the metrics of a reply were not stored: ${error instanceof Error ? error.message : String(error)}`);
    }
    return metrics;
  }

  private raise(metrics: ReplyMetrics): void {
    const statuses = this.deps.store.metrics.lastStatuses(this.config.errorWindow);
    const at = this.now();
    for (const crossing of crossings(this.config.rules, metrics, statuses)) {
      const before = this.lastRaised.get(crossing.metric);
      if (before !== undefined && at - before < REPEAT_AFTER_MS) continue;
      this.lastRaised.set(crossing.metric, at);
      const alert: Alert = { id: randomUUID(), at, ...crossing, conversationId: metrics.conversationId, messageId: metrics.messageId };
      this.deps.store.metrics.addAlert(alert);
      this.deps.events.emit('alert', alert);
    }
  }

  private prune(): void {
    const removed = this.deps.store.metrics.deleteBefore(this.now() - this.config.retentionDays * DAY_MS);
    if (removed > 0) this.log(`telemetry: ${removed} reply metrics older than ${this.config.retentionDays} days deleted`);
  }

  // ---- the idle gap -----------------------------------------------------------------------------

  private idleWatts(counter: EnergyCounter | null): number | null {
    return counter?.subtractIdle ? this.baseline.watts(counter.key) : null;
  }

  /** Something keeps the engine busy from now; answers whether it was idle until now. */
  private enterBusy(): boolean {
    this.busy += 1;
    return this.busy === 1;
  }

  /** The engine got busy and this is the read that ends the idle gap (null: none could be taken). */
  private gapEnded(read: CounterReading | null): void {
    if (read) this.baseline.busy(read);
    else this.baseline.forgetGap();
  }

  /** Something stopped keeping the engine busy; when nothing else does, the read starts an idle gap. */
  private leaveBusy(read: CounterReading | null): void {
    this.busy = Math.max(0, this.busy - 1);
    if (this.busy > 0) return;
    if (read) this.baseline.idle(read);
    else void this.idleRead();
  }

  private loadStarted(): void {
    if (!this.enterBusy()) return;
    if (!this.deps.energy.packageCounter()) {
      this.baseline.forgetGap();
      return;
    }
    void this.packageReading().then((read) => this.gapEnded(read));
  }

  private async idleRead(): Promise<void> {
    const read = await this.packageReading();
    if (read && this.busy === 0) this.baseline.idle(read);
  }

  /** A read of the measured tier's own counter (Linux powercap), which needs no engine reading. */
  private async packageReading(): Promise<CounterReading | null> {
    const counter = this.deps.energy.packageCounter();
    if (!counter) return null;
    const atMs = this.clock();
    const joules = await counter.read(null).catch(() => null);
    return joules === null ? null : { key: counter.key, atMs, joules, trustGapMs: counter.trustGapMs };
  }

  // ---- configuration ------------------------------------------------------------------------------

  private readConfig(): MonitoringConfig {
    const parsed = Config.safeParse(this.deps.store.settings.get(CONFIG_KEY));
    const stored = parsed.success ? parsed.data : {};
    const rules = DEFAULT_RULES.map((rule) => {
      const own = stored.rules?.find((r) => r.metric === rule.metric);
      return own ? { ...rule, enabled: own.enabled, threshold: Math.max(0, own.threshold) } : { ...rule };
    });
    return {
      rules,
      errorWindow: stored.errorWindow ?? DEFAULT_ERROR_WINDOW,
      retentionDays: stored.retentionDays ?? DEFAULT_RETENTION_DAYS,
      cpuWatts: stored.cpuWatts ?? null,
    };
  }

  private save(config: MonitoringConfig): void {
    this.config = config;
    this.deps.store.settings.set(CONFIG_KEY, {
      rules: config.rules.map(({ metric, enabled, threshold }) => ({ metric, enabled, threshold })),
      errorWindow: config.errorWindow,
      retentionDays: config.retentionDays,
      cpuWatts: config.cpuWatts,
    });
  }

  private changed(): MonitoringState {
    const state = this.state();
    this.deps.events.emit('monitoringChanged', state);
    return state;
  }
}

function reading(counter: EnergyCounter, read: EngineRead): CounterReading {
  return { key: counter.key, atMs: read.atMs, joules: read.joules ?? 0, trustGapMs: counter.trustGapMs };
}


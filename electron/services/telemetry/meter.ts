/**
 * One request's measurements: its token times (time to first token, per-token latencies,
 * rates), the engine's CPU time and memory, and its energy from the counter of the tier in use.
 * The telemetry service reads the engine at the start, on each sampler tick and at the end;
 * a meter turns those reads into readouts and, at the end, the reply's metrics.
 */
import type { EnergySource, Readouts, ReplyMetrics } from '../../common/contract';
import type { EngineUsage } from '../engine-host/types';
import type { GenerateResult, TokenEvent } from '../native';
import type { EnergyCounter } from './energy/tiers';
import { cpuPercent, joulesPerToken, percentile, perSecond, recentRate } from './stats';

/** What a request is, for its readouts and its metrics. */
export interface RequestContext {
  conversationId: string | null;
  messageId: string | null;
  source: 'ui' | 'api';
  modelId: string | null;
  modelName: string | null;
}

/** One read of the engine: its usage and the energy counter at the same moment. */
export interface EngineRead {
  /** Monotonic, ms. */
  atMs: number;
  usage: EngineUsage | null;
  joules: number | null;
}

/** How many latencies the sparkline gets. */
export const SPARKLINE_TOKENS = 60;
/** The "now" decode rate is over this last stretch. */
export const RATE_WINDOW_MS = 1000;

export class RequestMeter {
  /** The per-token latencies after the first token, in ms. */
  private readonly latencies: number[] = [];
  /** Each token's time since the request began, in ms. */
  private readonly elapsed: number[] = [];
  private ttftMs: number | null = null;
  private first: EngineRead | null = null;
  private last: EngineRead | null = null;
  private peakRss: number | null = null;
  private tickCpu: number | null = null;
  private tickPower: number | null = null;
  private startedWall = 0;
  counter: EnergyCounter | null = null;
  threads: number | null = null;
  memoryExpected: number | null = null;

  constructor(readonly context: RequestContext) {}

  /** Tokens generated so far. */
  get tokens(): number {
    return this.elapsed.length;
  }

  get started(): boolean {
    return this.first !== null;
  }

  /** The engine started on the request: the first read. */
  begin(read: EngineRead, wallMs: number, counter: EnergyCounter | null, threads: number, memoryExpected: number | null): void {
    this.first = read;
    this.last = read;
    this.startedWall = wallMs;
    this.counter = counter;
    this.threads = threads;
    this.memoryExpected = memoryExpected;
    this.notePeak(read);
  }

  /** A generated token (events without a token id, such as a final flush, are not tokens). */
  token(event: TokenEvent): 'first' | 'more' | null {
    if (event.id < 0) return null;
    this.elapsed.push(event.elapsedMs);
    if (this.ttftMs === null) {
      this.ttftMs = event.ms;
      return 'first';
    }
    this.latencies.push(event.ms);
    return 'more';
  }

  /** A sampler tick's read: the CPU share and power since the one before. */
  sample(read: EngineRead, idleWatts: number | null): void {
    const before = this.last;
    this.last = read;
    this.notePeak(read);
    if (!before) return;
    const wall = read.atMs - before.atMs;
    if (read.usage && before.usage && read.usage.pid === before.usage.pid && this.threads) {
      this.tickCpu = cpuPercent(read.usage.cpuMs - before.usage.cpuMs, wall, this.threads);
    }
    const joules = difference(before.joules, read.joules);
    if (joules !== null && wall > 0) this.tickPower = Math.max(0, (joules * 1000) / wall - (idleWatts ?? 0));
  }

  readouts(phase: Readouts['phase'], nowMs: number, idleWatts: number | null): Readouts {
    const tokens = this.elapsed.length;
    const sinceStart = this.first ? nowMs - this.first.atMs : 0;
    const energy = this.energySoFar(idleWatts);
    return {
      conversationId: this.context.conversationId,
      messageId: this.context.messageId,
      source: this.context.source,
      phase,
      elapsedMs: Math.max(0, sinceStart),
      tokens,
      ttftMs: this.ttftMs,
      decodeTokensPerSecNow: recentRate(this.elapsed, RATE_WINDOW_MS),
      decodeTokensPerSecAvg: this.decodeAverage(),
      prefillTokensPerSec: null,
      tokenP50Ms: percentile(this.latencies, 50),
      tokenP95Ms: percentile(this.latencies, 95),
      recentTokenMs: this.latencies.slice(-SPARKLINE_TOKENS),
      cpuPercent: this.tickCpu,
      threads: this.threads,
      memoryBytes: this.last?.usage?.rssBytes ?? null,
      memoryExpectedBytes: this.memoryExpected,
      powerWatts: this.tickPower,
      energyJoules: energy,
      joulesPerToken: joulesPerToken(energy, tokens),
      energySource: energy === null ? null : this.source(),
    };
  }

  /** The reply's metrics, after the last read. */
  metrics(id: string, status: ReplyMetrics['status'], result: GenerateResult | null, idleWatts: number | null): ReplyMetrics {
    const first = this.first;
    const last = this.last;
    const durationMs = first && last ? Math.max(0, last.atMs - first.atMs) : 0;
    const energy = this.energySoFar(idleWatts);
    const generated = result?.generatedTokens ?? this.elapsed.length;
    const sameProcess = first?.usage && last?.usage && first.usage.pid === last.usage.pid;
    return {
      id,
      startedAt: Math.round(this.startedWall),
      durationMs,
      ...this.context,
      status,
      threads: this.threads,
      promptTokens: result?.promptTokens ?? null,
      generatedTokens: first ? generated : null,
      ttftMs: result?.ttftMs ?? this.ttftMs,
      prefillTokensPerSec: result?.prefillTokensPerSecond || null,
      decodeTokensPerSec: result ? result.decodeTokensPerSecond || null : this.decodeAverage(),
      tokenP50Ms: percentile(this.latencies, 50),
      tokenP95Ms: percentile(this.latencies, 95),
      cpuPercent: sameProcess && this.threads ? cpuPercent(last!.usage!.cpuMs - first!.usage!.cpuMs, durationMs, this.threads) : null,
      peakMemoryBytes: this.peakRss,
      memoryExpectedBytes: this.memoryExpected,
      energyJoules: energy,
      joulesPerToken: joulesPerToken(energy, generated),
      powerWatts: energy !== null && durationMs > 0 ? (energy * 1000) / durationMs : null,
      energySource: energy === null ? null : this.source(),
    };
  }

  private source(): EnergySource | null {
    return this.counter?.source ?? null;
  }

  /** Energy from the first read to the last, less the idle power over that time when the counter is package-wide. */
  private energySoFar(idleWatts: number | null): number | null {
    if (!this.first || !this.last || !this.counter) return null;
    const gross = difference(this.first.joules, this.last.joules);
    if (gross === null) return null;
    if (!this.counter.subtractIdle || idleWatts === null) return gross;
    return Math.max(0, gross - (idleWatts * (this.last.atMs - this.first.atMs)) / 1000);
  }

  private decodeAverage(): number | null {
    const n = this.elapsed.length;
    return n >= 2 ? perSecond(n - 1, this.elapsed[n - 1]! - this.elapsed[0]!) : null;
  }

  private notePeak(read: EngineRead): void {
    const rss = read.usage?.rssBytes;
    if (rss !== undefined && (this.peakRss === null || rss > this.peakRss)) this.peakRss = rss;
  }
}

function difference(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : Math.max(0, after - before);
}

/**
 * The local API service: an OpenAI-compatible server on 127.0.0.1 (server.ts) that is on when the
 * settings say so or for one run (tern serve --api), its settings (stored under 'api'), its key
 * (key.ts), and its status, sent as the apiStatus event on every change (request counts at most
 * about four times a second).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import {
  type ApiSettings,
  ApiSettingsChanges,
  ApiSettings as ApiSettingsSchema,
  type ApiStatus,
  DEFAULT_API_SETTINGS,
  type ModelFile,
} from '../../common/contract';
import type { EventBus } from '../dispatcher';
import type { EngineHost, LoadedModel } from '../engine-host/types';
import type { ModelLibrary } from '../models/library';
import type { SettingsService } from '../settings';
import type { JsonObject, Store } from '../store';
import type { TelemetryService } from '../telemetry/service';
import { ApiKeyFile } from './key';
import { RateLimiter } from './limits';
import { ApiMetrics } from './metrics';
import { ApiModels } from './models';
import { InFlight } from './requests';
import { type ApiServerContext, buildApiServer as buildServer } from './server';

export { BODY_LIMIT_BYTES } from './server';

const SETTINGS_KEY = 'api';
/** Request counts go out at most this often. */
const STATUS_INTERVAL_MS = 250;

export interface ApiServiceDeps {
  dataDir: string; // the key file lives here: `api-key`, mode 0600
  store: Pick<Store, 'settings'>; // ApiSettings persisted under settings key 'api'
  events: Pick<EventBus, 'emit'>; // emit('apiStatus', status) on every change (debounce count changes to ~4/s)
  engine: EngineHost;
  library: ModelLibrary;
  settings: SettingsService; // app defaults: sampling, contextTokens
  tuning: { useModel(model: ModelFile): void; load(model: ModelFile): Promise<LoadedModel>; threads(): number };
  telemetry?: Pick<TelemetryService, 'track'>;
  beforeLoad?: (model: ModelFile, nCtx: number) => Promise<void>; // the fit check; throws when too large
  /** tern serve --api [--api-port N]: on for this run (not saved), and the port. */
  override?: { on?: boolean; port?: number };
  host?: string; // only for tests; always 127.0.0.1 otherwise
  log?: (message: string) => void;
  /** The clock of the rate limit (tests); Date.now otherwise. */
  now?: () => number;
}

export class ApiService {
  private readonly keys: ApiKeyFile;
  private readonly limiter: RateLimiter;
  private readonly metrics: ApiMetrics;
  private readonly models: ApiModels;
  private readonly inFlight: InFlight;
  private readonly log: (message: string) => void;
  private override: { on?: boolean; port?: number };
  private app: FastifyInstance | null = null;
  private address: string | null = null;
  private error: string | null = null;
  private served = 0;
  private statusTimer: ReturnType<typeof setTimeout> | null = null;
  /** Start, stop and restart one after another. */
  private switching: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: ApiServiceDeps) {
    this.log = deps.log ?? (() => undefined);
    this.override = { ...deps.override };
    this.keys = new ApiKeyFile(deps.dataDir);
    this.limiter = new RateLimiter(deps.now);
    this.inFlight = new InFlight(() => this.countsChanged());
    this.metrics = new ApiMetrics(() => this.inFlight.counts());
    this.models = new ApiModels({
      engine: deps.engine,
      library: deps.library,
      settings: deps.settings,
      tuning: deps.tuning,
      beforeLoad: deps.beforeLoad,
      log: this.log,
    });
  }

  /** Listens when on; a port that is taken sets status().error (no throw). */
  start(): Promise<void> {
    return this.switch(async () => {
      if (this.on()) await this.listen();
    });
  }

  status(): ApiStatus {
    const counts = this.inFlight.counts();
    return {
      settings: this.settings(),
      on: this.on(),
      listening: this.app !== null,
      address: this.address,
      error: this.error,
      key: this.keys.peek(),
      active: counts.active,
      queued: counts.queued,
      served: this.served,
    };
  }

  /** Changes the settings; turning it on or off or a new port restarts the listener. CORS and limits apply to the next request. */
  async update(changes: ApiSettingsChanges): Promise<ApiStatus> {
    const checked = ApiSettingsChanges.parse(changes);
    const before = { on: this.on(), port: this.port() };
    const next = ApiSettingsSchema.parse({ ...this.settings(), ...definedOnly(checked) });
    this.deps.store.settings.set(SETTINGS_KEY, next as unknown as JsonObject);
    // A choice made in Settings wins over the command line's for the rest of the run.
    if (checked.enabled !== undefined) delete this.override.on;
    if (checked.port !== undefined) delete this.override.port;
    if (before.on !== this.on() || before.port !== this.port()) {
      await this.switch(async () => {
        await this.stop();
        if (this.on() && !this.closed) await this.listen();
      });
    }
    return this.emitStatus();
  }

  async rotateKey(): Promise<ApiStatus> {
    this.keys.rotate();
    this.limiter.clear();
    return this.emitStatus();
  }

  /** Stops listening and cancels the API's generations. */
  async close(): Promise<void> {
    this.closed = true;
    await this.switch(() => this.stop());
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
  }

  /** The fastify app over this service's key, limits and models, not listening (tests use inject()). */
  buildServer(): FastifyInstance {
    const context: ApiServerContext = {
      settings: () => this.settings(),
      keys: this.keys,
      limiter: this.limiter,
      metrics: this.metrics,
      models: this.models,
      inFlight: this.inFlight,
      engine: this.deps.engine,
      appSettings: this.deps.settings,
      tuning: this.deps.tuning,
      telemetry: this.deps.telemetry,
      served: () => {
        this.served++;
        this.countsChanged();
      },
      log: this.log,
    };
    return buildServer(context);
  }

  // ---- inside -------------------------------------------------------------------------------

  private settings(): ApiSettings {
    const stored = this.deps.store.settings.get(SETTINGS_KEY);
    const merged = { ...DEFAULT_API_SETTINGS, ...(isObject(stored) ? stored : {}) };
    const parsed = ApiSettingsSchema.safeParse(merged);
    return parsed.success ? parsed.data : { ...DEFAULT_API_SETTINGS };
  }

  private on(): boolean {
    return this.override.on ?? this.settings().enabled;
  }

  private port(): number {
    return this.override.port ?? this.settings().port;
  }

  private async listen(): Promise<void> {
    const host = this.deps.host ?? '127.0.0.1';
    const port = this.port();
    this.keys.get();
    const app = this.buildServer();
    try {
      await app.listen({ host, port });
    } catch (error) {
      await app.close().catch(() => undefined);
      const code = (error as { code?: unknown }).code;
      this.error =
        code === 'EADDRINUSE'
          ? `Port ${port} is in use by another program; choose another port for the local API.`
          : `The local API could not listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`;
      this.log(`api: ${this.error}`);
      this.emitStatus();
      return;
    }
    const bound = app.server.address() as AddressInfo;
    this.app = app;
    this.error = null;
    this.served = 0;
    this.address = `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}/v1`;
    this.log(`local API on ${this.address}`);
    this.emitStatus();
  }

  private async stop(): Promise<void> {
    const app = this.app;
    this.inFlight.abortAll('closing');
    if (!app) {
      if (this.error !== null) {
        this.error = null;
        this.emitStatus();
      }
      return;
    }
    this.app = null;
    this.address = null;
    this.error = null;
    await app.close().catch((error: unknown) => this.log(`api: closing: ${String(error)}`));
    this.log('api: stopped listening');
    this.emitStatus();
  }

  private switch(step: () => Promise<void>): Promise<void> {
    const next = this.switching.then(step, step);
    this.switching = next.catch(() => undefined);
    return next;
  }

  private emitStatus(): ApiStatus {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    const status = this.status();
    this.deps.events.emit('apiStatus', status);
    return status;
  }

  /** Request counts moved: the status goes out within STATUS_INTERVAL_MS. */
  private countsChanged(): void {
    if (this.statusTimer || this.closed) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.emitStatus();
    }, STATUS_INTERVAL_MS);
    this.statusTimer.unref?.();
  }
}

/** The fastify app of a service, without listening (for inject()). */
export function buildApiServer(service: ApiService): FastifyInstance {
  return service.buildServer();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The local API: an OpenAI-compatible server on 127.0.0.1 that other programs on this computer
 * use to reach Tern's models. Off by default; every request needs the key shown here.
 */
import { z } from 'zod';
import { Empty, call } from '../schema';

export const DEFAULT_API_PORT = 4311;

export const ApiSettings = z
  .object({
    /** Serve the API (tern serve --api turns it on for one run without changing this). */
    enabled: z.boolean(),
    port: z.number().int().min(1024).max(65_535),
    /** Web origins allowed to call the API from a browser (CORS); empty: no CORS headers at all. */
    corsOrigins: z.array(z.string().url().max(2048)).max(32),
    /** The largest max_tokens a request may ask for; above it the request is refused (400). */
    maxTokensCap: z.number().int().min(1).max(32_768),
    /** Requests a minute per key (the app's own requests do not count); above it: 429 with Retry-After. */
    requestsPerMinute: z.number().int().min(1).max(100_000),
    /** API requests running or waiting at once; more: 429. */
    queueLimit: z.number().int().min(1).max(1000),
    /** A request running longer is stopped (it ends with what it has, finish_reason "length"). */
    timeoutSeconds: z.number().int().min(5).max(3600),
    /** Log each request's content (off: only its size, timing and status). */
    debugLog: z.boolean(),
  })
  .strict();
export type ApiSettings = z.infer<typeof ApiSettings>;

export const DEFAULT_API_SETTINGS: ApiSettings = {
  enabled: false,
  port: DEFAULT_API_PORT,
  corsOrigins: [],
  maxTokensCap: 4096,
  requestsPerMinute: 60,
  queueLimit: 8,
  timeoutSeconds: 300,
  debugLog: false,
};

export const ApiStatus = z.object({
  settings: ApiSettings,
  /** On for this run: the setting, or tern serve --api. */
  on: z.boolean(),
  /** Listening now. */
  listening: z.boolean(),
  /** The base URL clients use (http://127.0.0.1:4311/v1) while listening, else null. */
  address: z.string().nullable(),
  /** Why it is not listening while on (the port is taken, say), else null. */
  error: z.string().nullable(),
  /** The key clients send as "Authorization: Bearer <key>"; made on first use. */
  key: z.string().nullable(),
  /** API requests generating now, and waiting. */
  active: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
  /** Requests answered since it started listening (any status). */
  served: z.number().int().nonnegative(),
});
export type ApiStatus = z.infer<typeof ApiStatus>;

export const ApiSettingsChanges = ApiSettings.partial().strict();
export type ApiSettingsChanges = z.infer<typeof ApiSettingsChanges>;

export const apiCalls = {
  getApiStatus: call(Empty, ApiStatus),
  /** Changes the API's settings (turning it on or off, the port: it restarts); answers the status. */
  updateApiSettings: call(ApiSettingsChanges, ApiStatus),
  /** A new key; the old one stops working at once. */
  rotateApiKey: call(Empty, ApiStatus),
} as const;

export const apiEvents = {
  /** The API started or stopped listening, its settings or key changed, or its request counts moved. */
  apiStatus: ApiStatus,
} as const;

/**
 * HTTP for downloads: requests through the proxy the environment names (HTTPS_PROXY, HTTP_PROXY,
 * NO_PROXY; loopback hosts never go through one), redirects followed by hand so that the hub's
 * token goes to the hub's own origin only, never to the CDN a redirect leads to, and only HTTPS
 * except for loopback hosts (tests and local mirrors).
 */
import { Agent, type Dispatcher, EnvHttpProxyAgent, request } from 'undici';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Dispatcher.ResponseData['body'];
  /** The URL that answered, after redirects. */
  url: string;
  /** Headers of the first redirect (the hub's X-Linked-* and X-Repo-Commit are there). */
  redirectHeaders: Record<string, string> | null;
}

export interface HttpRequest {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …` to this origin only. */
  token?: { value: string; origin: string } | null;
  /** false: answer the redirect itself. */
  followRedirects?: boolean;
  signal?: AbortSignal;
}

export class UrlNotAllowedError extends Error {
  override readonly name = 'UrlNotAllowedError';
}

const MAX_REDIRECTS = 10;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

/** Throws UrlNotAllowedError for anything but https, or http to a loopback host. */
export function checkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlNotAllowedError(`${raw} is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url)) return url;
  if (url.protocol === 'http:') throw new UrlNotAllowedError(`${url.origin} is plain HTTP: only HTTPS is allowed (or http to this computer)`);
  throw new UrlNotAllowedError(`${url.protocol} URLs cannot be downloaded: use an https:// URL`);
}

export class HttpClient {
  private readonly direct: Dispatcher;
  private readonly proxied: Dispatcher;

  constructor(options: { connectTimeoutMs?: number; bodyTimeoutMs?: number } = {}) {
    const timeouts = { connectTimeout: options.connectTimeoutMs ?? 15_000, bodyTimeout: options.bodyTimeoutMs ?? 60_000, headersTimeout: 60_000 };
    this.direct = new Agent({ ...timeouts });
    this.proxied = new EnvHttpProxyAgent({ ...timeouts });
  }

  async request(rawUrl: string, options: HttpRequest = {}): Promise<HttpResponse> {
    let url = checkUrl(rawUrl);
    let redirectHeaders: Record<string, string> | null = null;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': 'Tern', ...options.headers };
      if (options.token && url.origin === options.token.origin) headers.authorization = `Bearer ${options.token.value}`;
      const response = await request(url, {
        method: options.method ?? 'GET',
        headers,
        signal: options.signal,
        dispatcher: isLoopback(url) ? this.direct : this.proxied,
      });
      const flat = flatten(response.headers);
      const location = flat.location;
      if (options.followRedirects !== false && response.statusCode >= 300 && response.statusCode < 400 && location) {
        await response.body.dump();
        if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects from ${rawUrl}`);
        redirectHeaders ??= flat;
        url = checkUrl(new URL(location, url).toString());
        continue;
      }
      return { status: response.statusCode, headers: flat, body: response.body, url: url.toString(), redirectHeaders };
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.direct.close(), this.proxied.close()]);
  }
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

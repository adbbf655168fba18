/**
 * The headless host: one HTTP server that serves the built renderer and, on /ws, the contract
 * over WebSocket. Upgrades need the page's own Origin and the host's token (?token=...).
 * GET /ws-check?token=... tells the page whether its token is the host's (204) or not (401),
 * under the same origin rules, so that a page can say so instead of retrying forever.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { allowedOrigins, displayHost, isLoopback, isWildcard, originOf } from './origins';
import { MAX_MESSAGE_BYTES, TOKEN_PARAM, WS_CHECK_PATH, WS_PATH } from '../common/wire';
import { contentSecurityPolicy, createStaticHandler } from './static';
import { createToken, tokensEqual } from './token';
import { type Backend, WsHub } from './ws-hub';

export type { Backend } from './ws-hub';

export interface HostOptions {
  /** The folder of the built renderer (index.html, assets/). */
  rendererDir: string;
  /** Default 127.0.0.1. A non-loopback address needs allowRemote. */
  host?: string;
  /** Default 4310; 0 picks a free port. */
  port?: number;
  allowRemote?: boolean;
  /** What to serve; can also come later through attach() (until then upgrades get 503). */
  backend?: Backend;
  /** Default: 32 random bytes. */
  token?: string;
  heartbeatMs?: number;
  maxMessageBytes?: number;
  log?: (message: string) => void;
}

export interface RunningHost {
  /** The address bound. */
  readonly host: string;
  readonly port: number;
  /** The page origin, e.g. http://127.0.0.1:4310 */
  readonly origin: string;
  readonly token: string;
  /** What to open in a browser: origin + "/?token=..." */
  readonly pageUrl: string;
  /** The WebSocket endpoint with the token. */
  readonly wsUrl: string;
  /** How many WebSocket connections are open. */
  connections(): number;
  attach(backend: Backend): void;
  /** Stops accepting, closes every socket. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4310;
export const DEFAULT_HOST = '127.0.0.1';

export class RemoteBindError extends Error {
  constructor(host: string) {
    super(`${host} is not a loopback address: anyone who can reach it could connect. Pass --allow-remote to bind it anyway.`);
  }
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const host = options.host ?? DEFAULT_HOST;
  if (!isLoopback(host) && !options.allowRemote) throw new RemoteBindError(host);
  const log = options.log ?? (() => {});
  const token = options.token ?? createToken();
  const maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;

  let handleRequest: ReturnType<typeof createStaticHandler> | undefined;
  let handleCheck: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  const server = createServer((req, res) => {
    if (handleCheck?.(req, res)) return;
    if (handleRequest) handleRequest(req, res);
    else res.writeHead(503).end();
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const bind = host.replace(/^\[(.*)\]$/, '$1');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`http server error: ${error.message}`));

  const port = (server.address() as AddressInfo).port;
  const origins = allowedOrigins(host, port);
  handleRequest = createStaticHandler({ root: options.rendererDir, csp: contentSecurityPolicy(origins) });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes * 4 });
  let hub: WsHub | undefined;
  const hubOptions = { heartbeatMs: options.heartbeatMs, maxMessageBytes, log };
  if (options.backend) hub = new WsHub(options.backend, hubOptions);
  let closing = false;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = checkUpgrade(req);
    if (refusal) {
      log(`refused a websocket upgrade: ${refusal.message}`);
      refuse(socket, refusal.status, refusal.message);
      return;
    }
    const target = hub;
    if (!target) return refuse(socket, 503, 'starting');
    wss.handleUpgrade(req, socket, head, (ws) => target.handle(ws));
  });

  function checkUpgrade(req: IncomingMessage): { status: number; message: string } | undefined {
    if (closing) return { status: 503, message: 'shutting down' };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://host.invalid');
    } catch {
      return { status: 400, message: 'bad request target' };
    }
    if (url.pathname !== WS_PATH) return { status: 404, message: 'not found' };
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) return { status: 403, message: `origin not allowed: ${origin ?? '(none)'}` };
    if (!tokensEqual(url.searchParams.get(TOKEN_PARAM), token)) return { status: 401, message: 'missing or wrong token' };
    return undefined;
  }

  /**
   * GET WS_CHECK_PATH?token=...: 204 when the upgrade would accept the token, 401 when not. The
   * same origin rule as the upgrade: a browser sends Origin on a cross-origin fetch, so one that
   * is present must be ours; without one the request must name us as its Host (no DNS
   * rebinding) and not say it comes from another site. The answer has no body, never the token.
   */
  handleCheck = (req, res) => {
    const target = req.url ?? '/';
    const path = target.split('?', 1)[0];
    if (path !== WS_CHECK_PATH) return false;
    const answer = (status: number, extra: Record<string, string> = {}): void => {
      res.writeHead(status, {
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Cross-Origin-Resource-Policy': 'same-origin',
        ...extra,
      });
      res.end();
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer(405, { Allow: 'GET, HEAD' });
      return true;
    }
    if (closing) {
      answer(503);
      return true;
    }
    let url: URL;
    try {
      url = new URL(target, 'http://host.invalid');
    } catch {
      answer(400);
      return true;
    }
    if (!sameOriginRequest(req, origins)) {
      answer(403);
      return true;
    }
    answer(tokensEqual(url.searchParams.get(TOKEN_PARAM), token) ? 204 : 401);
    return true;
  };

  const shownOrigin = originOf(displayHost(host), port);
  return {
    host,
    port,
    origin: originOf(host, port),
    token,
    pageUrl: `${shownOrigin}/?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    wsUrl: `${shownOrigin.replace(/^http:/, 'ws:')}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`,
    connections: () => hub?.size ?? 0,
    attach(backend) {
      if (hub) throw new Error('the host already serves a backend');
      hub = new WsHub(backend, hubOptions);
    },
    async close() {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await hub?.close();
      wss.close();
      server.closeAllConnections();
      await stopped;
    },
  };
}

/** Whether binding this address exposes the host beyond this machine. */
export function isRemoteBind(host: string): boolean {
  return isWildcard(host) || !isLoopback(host);
}

/** A request a page of this host made (by its Origin, else its Host and Sec-Fetch-Site headers). */
function sameOriginRequest(req: IncomingMessage, origins: Set<string>): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return origins.has(origin);
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const host = req.headers.host;
  return typeof host === 'string' && origins.has(`http://${host.toLowerCase()}`);
}

function refuse(socket: Duplex, status: number, message: string): void {
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  const body = `${message}\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

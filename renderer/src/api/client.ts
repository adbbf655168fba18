/**
 * The renderer's one way to reach its host. In Electron the preload's `window.tern` (a RawApi);
 * in a browser under `tern serve`, the WebSocket transport to this page's host, with the token
 * the host put in the page URL. Everything above this file sees the same TernApi.
 */
import { type TernApi, type Unsubscribe, unwrapApi } from '../../../electron/common/contract';
import { TOKEN_PARAM, WS_CHECK_PATH, WS_PATH } from '../../../electron/common/wire';
import { takePageToken } from './page-token';
import { type TokenCheck, type TransportState, type WsTransport, createWsTransport } from './ws-transport';

/**
 * What the UI shows: the Electron preload is always 'connected'. 'refused': the host does not
 * take this page's token (stale or wrong URL); the page stays so until it is reloaded.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'refused';

let api: TernApi | undefined;
let transport: WsTransport | undefined;
let token: string | null = null;

function visible(state: TransportState): ConnectionState {
  return state === 'closed' ? 'reconnecting' : state;
}

/** The API, created on first use. */
export function getApi(): TernApi {
  if (api) return api;
  if (window.tern) {
    api = unwrapApi(window.tern);
    return api;
  }
  token = takePageToken(window.location.href, safeSessionStorage(), window.history);
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
  const checkUrl = `${window.location.protocol}//${window.location.host}${WS_CHECK_PATH}${query}`;
  transport = createWsTransport({
    url: `${scheme}//${window.location.host}${WS_PATH}${query}`,
    WebSocket: window.WebSocket,
    checkToken: () => checkToken(checkUrl),
  });
  api = unwrapApi(transport.api);
  return api;
}

/** 'electron' when the preload provides the API, 'websocket' under `tern serve`. */
export function getTransportKind(): 'electron' | 'websocket' {
  getApi();
  return transport ? 'websocket' : 'electron';
}

/** False when the page was opened without the host's token (and none is stored): it cannot connect. */
export function hasHostToken(): boolean {
  getApi();
  return transport === undefined || token !== null;
}

export function getConnectionState(): ConnectionState {
  getApi();
  return transport ? visible(transport.state()) : 'connected';
}

/** Calls listener on every change of the connection state (not with the current one). */
export function onConnectionState(listener: (state: ConnectionState) => void): Unsubscribe {
  getApi();
  if (!transport) return () => {};
  return transport.onStateChange((state) => listener(visible(state)));
}

/** Asks the host (same origin) whether it takes the token; 'unknown' when it cannot be reached. */
export async function checkToken(url: string, fetchImpl: typeof fetch = window.fetch.bind(window)): Promise<TokenCheck> {
  try {
    const response = await fetchImpl(url, { method: 'GET', cache: 'no-store', credentials: 'omit', redirect: 'error' });
    if (response.status === 204) return 'accepted';
    if (response.status === 401) return 'refused';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

function safeSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

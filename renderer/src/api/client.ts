/**
 * The renderer's one way to reach its host. In Electron the preload's `window.tern` (a RawApi);
 * in a browser under `tern serve`, the WebSocket transport to this page's host, with the token
 * the host put in the page URL. Everything above this file sees the same TernApi.
 */
import { type TernApi, type Unsubscribe, unwrapApi } from '../../../electron/common/contract';
import { takePageToken } from './page-token';
import { type TransportState, type WsTransport, createWsTransport } from './ws-transport';

/** What the UI shows: the Electron preload is always 'connected'. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

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
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  transport = createWsTransport({ url: `${scheme}//${window.location.host}/ws${query}`, WebSocket: window.WebSocket });
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

function safeSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

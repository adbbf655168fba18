/**
 * How the renderer's link to its host is doing. The Electron preload is always 'connected'; the
 * WebSocket transport goes through 'connecting' and, after a drop, 'reconnecting'.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionSlice {
  connection: ConnectionState;
  /** The page was opened without the host's token, so the host will refuse it. */
  hostTokenMissing: boolean;
}

export const initialConnectionSlice = (): ConnectionSlice => ({ connection: 'connected', hostTokenMissing: false });

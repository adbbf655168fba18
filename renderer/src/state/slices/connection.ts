/**
 * How the renderer's link to its host is doing. The Electron preload is always 'connected'; the
 * WebSocket transport goes through 'connecting' and, after a drop, 'reconnecting'; 'refused' when
 * the host does not take the page's token (it stays so until the page is reloaded).
 * Anything that changes data is only offered while 'connected'.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'refused';

export interface ConnectionSlice {
  connection: ConnectionState;
  /** The page was opened without the host's token, so the host will refuse it. */
  hostTokenMissing: boolean;
}

export const initialConnectionSlice = (): ConnectionSlice => ({ connection: 'connected', hostTokenMissing: false });

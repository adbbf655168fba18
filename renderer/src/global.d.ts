import type { RawApi } from '../../electron/common/contract';

declare global {
  interface Window {
    /** The Electron preload's API (contextBridge); absent in a browser under `tern serve`. */
    tern?: RawApi;
  }
}

export {};

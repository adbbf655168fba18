import type { RawApi } from '../../electron/common/contract';

declare global {
  interface Window {
    /** The Electron preload's API (contextBridge); absent in a browser under `tern serve`. */
    tern?: RawApi;
    /** The desktop app's path of a file dropped on the window (for importing a model); absent in a browser. */
    ternFiles?: { pathFor(file: File): string };
  }
}

export {};

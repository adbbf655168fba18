/**
 * The preload of the sandboxed window: exposes the contract as `window.tern` and nothing else.
 * Bundled with its imports (a sandboxed preload can require only 'electron').
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildRawApi } from './api';

contextBridge.exposeInMainWorld('tern', buildRawApi(ipcRenderer));

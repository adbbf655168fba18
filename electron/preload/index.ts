/**
 * The preload of the sandboxed window: exposes the contract as `window.tern`, and
 * `window.ternFiles.pathFor(file)` (the path of a file dropped on the window, for importing a
 * model), and nothing else. Bundled with its imports (a sandboxed preload can require only
 * 'electron').
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildRawApi } from './api';

contextBridge.exposeInMainWorld('tern', buildRawApi(ipcRenderer));
contextBridge.exposeInMainWorld('ternFiles', Object.freeze({ pathFor: (file: File): string => webUtils.getPathForFile(file) }));

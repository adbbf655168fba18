import type { EngineStatus, ModelList } from '../../lib/contract';
import type { LoadStatus } from './types';

/**
 * Moving the models folder (it can take minutes for big files): 'moving' while the call runs,
 * then its outcome until the next move or until Settings closes.
 */
export type FolderMove =
  | { status: 'idle' }
  | { status: 'moving'; path: string; moveFiles: boolean }
  | { status: 'done'; from: string; folder: string; moveFiles: boolean }
  | { status: 'failed'; path: string; error: string };

export interface ModelsSlice {
  /** The model files the host knows of, and its models folder. */
  modelList: ModelList | null;
  modelsStatus: LoadStatus;
  modelsError: string | null;
  engine: EngineStatus | null;
  /** The last model action (choose, load, unload, rescan) that failed, said plainly. */
  modelActionError: string | null;
  folderMove: FolderMove;
}

export const initialModelsSlice = (): ModelsSlice => ({
  modelList: null,
  modelsStatus: 'idle',
  modelsError: null,
  engine: null,
  modelActionError: null,
  folderMove: { status: 'idle' },
});

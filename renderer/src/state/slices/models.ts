import type { EngineStatus, ModelList } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface ModelsSlice {
  /** The model files the host knows of, and its models folder. */
  modelList: ModelList | null;
  modelsStatus: LoadStatus;
  modelsError: string | null;
  engine: EngineStatus | null;
  /** The last model action (choose, load, unload, rescan) that failed, said plainly. */
  modelActionError: string | null;
}

export const initialModelsSlice = (): ModelsSlice => ({
  modelList: null,
  modelsStatus: 'idle',
  modelsError: null,
  engine: null,
  modelActionError: null,
});

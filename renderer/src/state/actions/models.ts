import type { EngineStatus, ModelList } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';

const { setState, getState } = useTernStore;

/** Loads the model list (the models folder and the files in it). */
export async function loadModels(): Promise<void> {
  setState((s) => ({ modelsStatus: s.modelsStatus === 'ready' ? 'ready' : 'loading', modelsError: null }));
  try {
    setModelList(await getStoreApi().listModels({}));
  } catch (error) {
    setState({ modelsStatus: 'error', modelsError: describeError(error) });
  }
}

/** The list from a call or a modelsChanged event. */
export function setModelList(modelList: ModelList): void {
  setState({ modelList, modelsStatus: 'ready', modelsError: null });
}

/** Looks at the models folder again ("Check again"). */
export async function rescanModels(): Promise<void> {
  try {
    setModelList(await getStoreApi().rescanModels({}));
    setState({ modelActionError: null });
  } catch (error) {
    setState({ modelActionError: `Could not look at the models folder: ${describeError(error)}` });
  }
}

export function setEngineStatus(engine: EngineStatus): void {
  setState({ engine });
}

export async function loadEngineStatus(): Promise<void> {
  try {
    setEngineStatus(await getStoreApi().getEngineStatus({}));
  } catch {
    // The engine's state stays unknown until its next engineStatus event.
  }
}

/** Loads a model now, ahead of the first reply; override: one the fit check says is too large. */
export async function loadModel(modelId: string, override = false): Promise<void> {
  try {
    setEngineStatus(await getStoreApi().loadModel({ modelId, ...(override ? { override: true } : {}) }));
    setState({ modelActionError: null });
  } catch (error) {
    setState({ modelActionError: `Could not load the model: ${describeError(error)}` });
  }
}

/** Frees the model at once (a reply in flight is cancelled). */
export async function unloadModel(): Promise<void> {
  try {
    setEngineStatus(await getStoreApi().unloadModel({}));
    setState({ modelActionError: null });
  } catch (error) {
    setState({ modelActionError: `Could not unload the model: ${describeError(error)}` });
  }
}

/**
 * Makes another folder the models folder. moveFiles: the model files go along; otherwise they
 * stay behind and leave the list. One move at a time.
 */
export async function moveModelsFolder(path: string, moveFiles: boolean): Promise<void> {
  if (getState().folderMove.status === 'moving') return;
  const from = getState().modelList?.folder ?? '';
  setState({ folderMove: { status: 'moving', path, moveFiles } });
  try {
    const list = await getStoreApi().moveModelsFolder({ path, moveFiles });
    setModelList(list);
    setState({ folderMove: { status: 'done', from, folder: list.folder, moveFiles } });
  } catch (error) {
    setState({ folderMove: { status: 'failed', path, error: `Could not move the models folder: ${describeError(error)}` } });
  }
}

/** Puts away the outcome of the last move (a move under way stays). */
export function clearFolderMoveResult(): void {
  if (getState().folderMove.status !== 'moving') setState({ folderMove: { status: 'idle' } });
}

export function dismissModelError(): void {
  setState({ modelActionError: null });
}

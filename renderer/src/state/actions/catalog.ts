import type { Fit, ModelFile } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import type { FitState } from '../slices/catalog';
import { useTernStore } from '../store';
import type { DownloadRequest } from './downloads';
import { setModelList } from './models';

const { setState, getState } = useTernStore;

/** Loads the catalog of models Tern offers (once; again after an error). */
export async function loadCatalog(): Promise<void> {
  setState((s) => ({ catalogStatus: s.catalogStatus === 'ready' ? 'ready' : 'loading', catalogError: null }));
  try {
    const { entries } = await getStoreApi().listCatalog({});
    setState({ catalog: entries, catalogStatus: 'ready', catalogError: null });
  } catch (error) {
    setState({ catalogStatus: 'error', catalogError: describeError(error) });
  }
}

/** Loads the catalog unless it is there or on its way. */
export function ensureCatalog(): void {
  const status = getState().catalogStatus;
  if (status === 'idle' || status === 'error') void loadCatalog();
}

function setFit(key: string, state: FitState): void {
  setState((s) => ({ fits: { ...s.fits, [key]: state } }));
}

export type FitOutcome = { ok: true; fit: Fit } | { ok: false; error: string };

/** In-flight checks, so that two rows asking at once make one call. */
const pending = new Map<string, Promise<FitOutcome>>();

async function checkFit(key: string, force: boolean, run: () => Promise<Fit>): Promise<FitOutcome> {
  const known = getState().fits[key];
  if (!force && known?.status === 'ready') return { ok: true, fit: known.fit };
  const running = pending.get(key);
  if (running) return running;
  const promise = (async (): Promise<FitOutcome> => {
    if (known?.status !== 'ready') setFit(key, { status: 'loading' });
    try {
      const fit = await run();
      setFit(key, { status: 'ready', fit });
      return { ok: true, fit };
    } catch (error) {
      const message = describeError(error);
      setFit(key, { status: 'error', error: message });
      return { ok: false, error: message };
    } finally {
      pending.delete(key);
    }
  })();
  pending.set(key, promise);
  return promise;
}

export const modelFitKey = (modelId: string) => `model:${modelId}`;
export const downloadFitKey = (request: DownloadRequest) =>
  `download:${request.file ? `${request.source.replace(/\/+$/, '')}/${request.file}` : request.source.trim()}`;

/** Whether an installed model will run here (asked once per model, then kept). */
export function checkModelFit(modelId: string, { force = false } = {}): Promise<FitOutcome> {
  return checkFit(modelFitKey(modelId), force, () => getStoreApi().checkModelFit({ modelId }));
}

/** Whether a model will run here, before downloading it (force: ask again even if known). */
export function checkDownloadFit(request: DownloadRequest, { force = false } = {}): Promise<FitOutcome> {
  return checkFit(downloadFitKey(request), force, () =>
    getStoreApi().checkDownloadFit({ source: request.source, ...(request.file ? { file: request.file } : {}) }),
  );
}

/** Asks lazily: only when nothing is known or on its way. */
export function ensureModelFit(modelId: string): void {
  if (!getState().fits[modelFitKey(modelId)]) void checkModelFit(modelId);
}

export function ensureDownloadFit(request: DownloadRequest): void {
  if (!getState().fits[downloadFitKey(request)]) void checkDownloadFit(request);
}

export type ModelOutcome = { ok: true } | { ok: false; error: string };

/** Makes a model the one new conversations start with. */
export async function setDefaultModel(modelId: string): Promise<ModelOutcome> {
  try {
    setModelList(await getStoreApi().setDefaultModel({ modelId }));
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `Could not make it the default: ${describeError(error)}` };
  }
}

/** Deletes a model's file (conversations keep their text); it leaves the list. */
export async function deleteModel(modelId: string): Promise<ModelOutcome> {
  try {
    await getStoreApi().deleteModel({ modelId });
    setState((s) => {
      const fits = { ...s.fits };
      delete fits[modelFitKey(modelId)];
      const list = s.modelList;
      return {
        fits,
        modelList: list
          ? {
              ...list,
              models: list.models.filter((m) => m.id !== modelId),
              defaultModelId: list.defaultModelId === modelId ? null : list.defaultModelId,
            }
          : list,
      };
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `Could not delete the model: ${describeError(error)}` };
  }
}

export type ImportOutcome = { ok: true; model: ModelFile } | { ok: false; error: string };

/** Adds a GGUF from this computer: copied into the models folder, or linked where it is. */
export async function importModelFile(path: string, mode: 'copy' | 'link'): Promise<ImportOutcome> {
  try {
    const model = await getStoreApi().importModel({ path, mode });
    setState((s) => {
      const list = s.modelList;
      if (!list || list.models.some((m) => m.id === model.id)) return {};
      return { modelList: { ...list, models: [...list.models, model] } };
    });
    return { ok: true, model };
  } catch (error) {
    return { ok: false, error: `Could not import the file: ${describeError(error)}` };
  }
}

/** Desktop app only: shows the model's file in the system's file manager. */
export async function showModelInFolder(modelId: string): Promise<ModelOutcome> {
  try {
    await getStoreApi().showModelInFolder({ modelId });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `Could not show the file: ${describeError(error)}` };
  }
}

export type ChooseFileOutcome = { ok: true; path: string | null } | { ok: false; error: string };

/** Desktop app only: the system's file dialog for a GGUF to import (path null: cancelled). */
export async function chooseModelFile(): Promise<ChooseFileOutcome> {
  try {
    const { path } = await getStoreApi().chooseModelFile({});
    return { ok: true, path };
  } catch (error) {
    return { ok: false, error: `Could not open the file dialog: ${describeError(error)}` };
  }
}

/**
 * What the Models view does to the library: add a GGUF from elsewhere on this computer (copied
 * into the models folder, or linked where it is), once the engine has looked at it in its own
 * process and can run it; delete a model (its file goes, conversations keep their text); choose
 * the default model.
 */
import { copyFile, rename, rm } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type ModelFile, type ModelList, TernError } from '../../common/contract';
import type { EngineHost } from '../engine-host/types';
import type { SettingsService } from '../settings';
import type { ModelFileRepository } from '../store';
import { fromDescription, fromError } from './describe';
import type { ModelLibrary } from './library';

export interface ManageDeps {
  library: ModelLibrary;
  engine: Pick<EngineHost, 'inspect' | 'loaded' | 'unload'>;
  settings: SettingsService;
  cache: ModelFileRepository;
}

export async function importModel(deps: ManageDeps, path: string, mode: 'copy' | 'link'): Promise<ModelFile> {
  const { library, settings } = deps;
  if (!isAbsolute(path)) throw new TernError('BAD_REQUEST', `${path} is not a full path: give the file's whole path`);
  const source = resolve(path);
  let size: number;
  try {
    const stat = statSync(source);
    if (!stat.isFile()) throw new Error('it is a folder');
    size = stat.size;
  } catch (error) {
    throw new TernError('NOT_FOUND', `${source} cannot be added: ${error instanceof Error && error.message === 'it is a folder' ? 'it is a folder' : 'no such file'}`);
  }
  // The engine looks first, in its own process: nothing is copied or listed that it cannot run.
  let inspection;
  try {
    inspection = fromDescription(await deps.engine.inspect(source));
  } catch (error) {
    inspection = fromError(error);
  }
  if (!inspection.ok) throw new TernError('UNAVAILABLE', `${basename(source)} cannot be added: ${inspection.problem}`);

  let listedAt = source;
  if (dirname(source) === resolve(library.folder)) {
    await library.scan();
  } else if (mode === 'link') {
    settings.setLinkedModels([...new Set([...settings.linkedModels(), source])]);
    await library.link(source);
  } else {
    listedAt = join(library.folder, freeName(library.folder, basename(source)));
    const partial = `${listedAt}.part`;
    try {
      await copyFile(source, partial);
      await rename(partial, listedAt);
    } catch (error) {
      await rm(partial, { force: true });
      const reason = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : error instanceof Error ? error.message : String(error);
      throw new TernError('UNAVAILABLE', `${basename(source)} could not be copied into ${library.folder}: ${reason}`);
    }
    await library.scan();
  }
  const model = library.list().models.find((m) => m.path === listedAt);
  if (!model) throw new TernError('UNAVAILABLE', `${basename(source)} (${size} bytes) was added but could not be read back`);
  return model;
}

/** Deletes a model's file (a linked one is only taken off the list); conversations keep their text. */
export async function deleteModel(deps: ManageDeps, modelId: string): Promise<{ id: string }> {
  const { library, settings, engine, cache } = deps;
  const model = library.get(modelId);
  if (!model) throw new TernError('NOT_FOUND', `no model with id ${modelId}`);
  if (engine.loaded()?.modelKey === modelId) await engine.unload();
  if (model.source === 'added') {
    settings.setLinkedModels(settings.linkedModels().filter((path) => path !== model.path));
    await library.unlink(model.path);
  } else {
    try {
      await rm(model.path, { force: true });
    } catch (error) {
      throw new TernError('UNAVAILABLE', `${model.fileName} could not be deleted: ${error instanceof Error ? error.message : String(error)}`);
    }
    cache.delete(model.path);
    await library.scan();
  }
  return { id: modelId };
}

export function setDefaultModel(deps: Pick<ManageDeps, 'library' | 'settings'>, modelId: string): ModelList {
  deps.library.requireRunnable(modelId);
  deps.settings.setDefaultModelId(modelId);
  deps.library.changed();
  return deps.library.list();
}

function freeName(folder: string, name: string): string {
  if (!existsSync(join(folder, name)) && !existsSync(join(folder, `${name}.part`))) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}${ext}`;
    if (!existsSync(join(folder, candidate)) && !existsSync(join(folder, `${candidate}.part`))) return candidate;
  }
}

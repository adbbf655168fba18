/**
 * Moving the models folder (models are many gigabytes; people keep them on another disk). The
 * running downloads stop while it happens and go on after, from the same bytes: their partial
 * files always move. The models move too if the user says so (a rename on the same disk, a copy
 * and delete across disks), keeping their cached sha256 so nothing is hashed again; otherwise
 * they stay where they were and leave the list. Nothing is half-done: a failure moves back what
 * had moved and keeps the old folder.
 */
import { constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { type ModelList, TernError } from '../../common/contract';
import type { DownloadService } from '../downloads/service';
import type { SettingsService } from '../settings';
import type { ModelFileRepository } from '../store';
import type { ModelLibrary } from './library';

export interface MoveFolderDeps {
  library: ModelLibrary;
  downloads: DownloadService;
  settings: SettingsService;
  cache: ModelFileRepository;
  log?: (message: string) => void;
}

export async function moveModelsFolder(deps: MoveFolderDeps, target: string, moveFiles: boolean): Promise<ModelList> {
  const { library, downloads, settings, cache } = deps;
  if (!isAbsolute(target)) throw new TernError('BAD_REQUEST', `${target} is not a full path: give the folder's whole path`);
  const from = library.folder;
  const to = resolve(target);
  if (to === resolve(from)) throw new TernError('BAD_REQUEST', `${to} is already the models folder`);
  prepare(to);

  const suspended = await downloads.suspend();
  const moved: { source: string; target: string }[] = [];
  try {
    const files = [...downloads.partialFiles(), ...(moveFiles ? modelFiles(from) : [])];
    const clashes = files.map((file) => basename(file)).filter((name) => existsSync(join(to, name)));
    if (clashes.length > 0) throw new TernError('CONFLICT', `${to} already has ${clashes.join(', ')}: move or rename ${clashes.length === 1 ? 'it' : 'them'} first`);
    for (const source of files) {
      const destination = join(to, basename(source));
      await moveFile(source, destination);
      moved.push({ source, target: destination });
      carryCache(cache, source, destination);
    }
    settings.setModelsFolder(to);
  } catch (error) {
    for (const { source, target: destination } of moved.reverse()) {
      try {
        await moveFile(destination, source);
        carryCache(cache, destination, source);
      } catch (undo) {
        deps.log?.(`models: could not move ${destination} back to ${source}: ${undo instanceof Error ? undo.message : String(undo)}`);
      }
    }
    downloads.resumeAll(suspended);
    if (error instanceof TernError) throw error;
    throw new TernError('UNAVAILABLE', `the models could not be moved to ${to}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = await library.setFolder(to);
  downloads.resumeAll(suspended);
  return list;
}

/** Creates the folder and proves it can be written, before anything moves. */
function prepare(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
    if (!statSync(folder).isDirectory()) throw new Error('it is not a folder');
    const probe = join(folder, `.tern-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    throw new TernError('UNAVAILABLE', `${folder} cannot be used as the models folder: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function modelFiles(folder: string): string[] {
  try {
    return readdirSync(folder)
      .filter((name) => name.toLowerCase().endsWith('.gguf'))
      .map((name) => join(folder, name));
  } catch {
    return [];
  }
}

/** A rename on the same disk; across disks, a copy (with its mtime kept) and then the delete. */
async function moveFile(source: string, destination: string): Promise<void> {
  try {
    renameSync(source, destination);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const partial = `${destination}.moving`;
  try {
    await copyFile(source, partial, constants.COPYFILE_EXCL);
    const { atime, mtime } = statSync(source);
    utimesSync(partial, atime, mtime);
    renameSync(partial, destination);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  rmSync(source);
}

function carryCache(cache: ModelFileRepository, from: string, to: string): void {
  const row = cache.get(from);
  if (!row) return;
  const stat = statSync(to);
  cache.put({ ...row, path: to, size: stat.size, mtimeMs: stat.mtimeMs });
  cache.delete(from);
}

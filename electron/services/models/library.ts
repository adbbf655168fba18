/**
 * The model library: the .gguf files in the models folder plus the files named on the command
 * line, each known by its sha256 (stable across renames and moves, computed once and cached by
 * path, size and mtime) and described by inspecting it in the engine process, so a hostile file
 * cannot take down the host. The downloads and library issues extend this service.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type ModelFile, type ModelList, TernError } from '../../common/contract';
import type { ModelDescription } from '../native';
import type { ModelFileRepository } from '../store';
import { type Inspection, fromDescription, fromError, isFileVerdict, isInspection } from './describe';
import { sha256File } from './hash';

export interface ModelLibraryOptions {
  /** <dataDir>/models, created if missing. */
  folder: string;
  /** Files from elsewhere (tern serve --model FILE, imports by link). */
  extraFiles?: string[];
  cache: ModelFileRepository;
  /** Describes a file without loading its weights; runs in the engine process. */
  inspect: (path: string) => Promise<ModelDescription>;
  /**
   * What is known of a model besides its file, looked up each time the list is read: where Tern
   * downloaded it from and whether its sha256 was checked, when a reply last used it, and the
   * kernel paths for its format on this CPU.
   */
  facts?: (model: ModelFile) => Partial<Pick<ModelFile, 'origin' | 'verified' | 'lastUsedAt' | 'kernels'>>;
  /** The model new conversations start with. */
  defaultModelId?: () => string | null;
  log?: (message: string) => void;
}

export class ModelLibrary {
  private models: ModelFile[] = [];
  private scanning: Promise<ModelList> | null = null;
  private again = false;
  private readonly listeners = new Set<(list: ModelList) => void>();
  private readonly extraFiles: string[];
  private readonly log: (message: string) => void;
  private currentFolder: string;

  constructor(private readonly options: ModelLibraryOptions) {
    mkdirSync(options.folder, { recursive: true });
    this.currentFolder = options.folder;
    this.extraFiles = (options.extraFiles ?? []).map((file) => resolve(file));
    this.log = options.log ?? (() => {});
  }

  get folder(): string {
    return this.currentFolder;
  }

  /** Looks in another folder from now on (the files were moved, or left, by the caller). */
  setFolder(folder: string): Promise<ModelList> {
    mkdirSync(folder, { recursive: true });
    this.currentFolder = folder;
    return this.scan();
  }

  /**
   * Takes a file whose sha256 and inspection are known (a finished download) without hashing or
   * inspecting it again, and answers with its entry once listed.
   */
  async adopt(path: string, sha256: string, inspection: Inspection): Promise<ModelFile | undefined> {
    const stat = statSync(path);
    this.options.cache.put({ path, size: stat.size, mtimeMs: stat.mtimeMs, sha256, inspection });
    await this.scan();
    return this.get(sha256);
  }

  list(): ModelList {
    return {
      folder: this.folder,
      models: this.models.map((model) => this.withFacts(model)),
      scanning: this.scanning !== null,
      defaultModelId: this.options.defaultModelId?.() ?? null,
    };
  }

  get(id: string): ModelFile | undefined {
    const model = this.models.find((m) => m.id === id);
    return model && this.withFacts(model);
  }

  /** Tells the listeners again (the facts changed: a new default, a reply, a finished download). */
  changed(): void {
    this.emit();
  }

  /** A model the engine can run: NOT_FOUND when there is no such id, UNAVAILABLE with the reason when it cannot run. */
  requireRunnable(id: string): ModelFile {
    const model = this.get(id);
    if (!model) throw new TernError('NOT_FOUND', `no model with id ${id}`);
    if (model.problem) throw new TernError('UNAVAILABLE', `${model.fileName} cannot run: ${model.problem}`);
    return model;
  }

  /** Lists a file where it is (an import by link, or --model); answers once it is listed. */
  async link(path: string): Promise<ModelList> {
    const full = resolve(path);
    if (!this.extraFiles.includes(full)) this.extraFiles.push(full);
    return this.scan();
  }

  /** Stops listing a linked file (the file itself stays). */
  async unlink(path: string): Promise<ModelList> {
    const at = this.extraFiles.indexOf(resolve(path));
    if (at >= 0) this.extraFiles.splice(at, 1);
    return this.scan();
  }

  /** The files listed where they are, besides the models folder. */
  linkedFiles(): string[] {
    return [...this.extraFiles];
  }

  /** Runnable models, for choosing a default. */
  runnable(): ModelFile[] {
    return this.models.filter((model) => model.problem === null);
  }

  onChange(listener: (list: ModelList) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once no scan is running (at once when none is): the list is then complete. */
  async settled(): Promise<void> {
    while (this.scanning) await this.scanning;
  }

  /** Looks at the folder and the extra files again; a scan asked for during one runs after it. */
  scan(): Promise<ModelList> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = this.scanOnce()
      .catch((error: unknown) => this.log(`models: scan failed: ${error instanceof Error ? error.message : String(error)}`))
      .then(() => {
        this.scanning = null;
        this.emit();
        if (this.again) {
          this.again = false;
          return this.scan();
        }
        return this.list();
      });
    this.emit();
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const found: { path: string; source: ModelFile['source'] }[] = [];
    for (const name of safeReaddir(this.folder)) {
      if (name.toLowerCase().endsWith('.gguf')) found.push({ path: join(this.folder, name), source: 'folder' });
    }
    for (const path of this.extraFiles) {
      if (!found.some((f) => f.path === path)) found.push({ path, source: 'added' });
    }
    const models: ModelFile[] = [];
    for (const { path, source } of found) {
      const model = await this.describe(path, source);
      if (!model || models.some((m) => m.id === model.id)) continue;
      models.push(model);
      // Each file shows as soon as it is known; the list is settled when the scan ends.
      this.models = byName([...this.models.filter((m) => m.id !== model.id), model]);
      this.emit();
    }
    this.models = byName(models);
  }

  /** A file's entry, from the cache while its size and mtime are unchanged. */
  private async describe(path: string, source: ModelFile['source']): Promise<ModelFile | null> {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      this.log(`models: ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    if (!stat.isFile()) return null;
    const cached = this.options.cache.get(path);
    let sha256: string;
    let inspection: Inspection | null = null;
    if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) {
      sha256 = cached.sha256;
      if (isInspection(cached.inspection)) inspection = cached.inspection;
    } else {
      try {
        sha256 = await sha256File(path);
      } catch (error) {
        this.log(`models: could not read ${path}: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      }
    }
    if (!inspection) {
      let verdict = true;
      try {
        inspection = fromDescription(await this.options.inspect(path));
      } catch (error) {
        // The engine's verdict on the file is kept; an engine that crashed, was closed or is
        // missing says nothing about the file, which is looked at again next time.
        verdict = isFileVerdict(error);
        inspection = verdict ? fromError(error) : { ok: false, problem: `the engine could not look at it (${fromError(error).problem}); check again` };
      }
      this.options.cache.put({ path, size: stat.size, mtimeMs: stat.mtimeMs, sha256, inspection: verdict ? inspection : null });
    }
    return entry(path, source, sha256, stat.size, inspection);
  }

  private withFacts(model: ModelFile): ModelFile {
    return this.options.facts ? { ...model, ...this.options.facts(model) } : model;
  }

  private emit(): void {
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }
}

function entry(path: string, source: ModelFile['source'], id: string, size: number, inspection: Inspection): ModelFile {
  const common = { id, path, fileName: basename(path), sizeBytes: size, source, origin: null, verified: null, lastUsedAt: null, kernels: null };
  if (!inspection.ok) {
    return { ...common, name: null, arch: null, weightType: null, parameters: null, contextLength: null, problem: inspection.problem };
  }
  return {
    ...common,
    name: inspection.name,
    arch: inspection.arch,
    weightType: inspection.weightType,
    parameters: inspection.parameters,
    contextLength: inspection.contextLength,
    problem: null,
  };
}

function byName(models: ModelFile[]): ModelFile[] {
  return models.sort((a, b) => a.fileName.localeCompare(b.fileName));
}

function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

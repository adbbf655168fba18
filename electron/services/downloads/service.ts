/**
 * The download service: a queue of model downloads (a few at once), each resumed from its
 * partial file after a pause, a dropped connection or a restart, retried with backoff, checked
 * against the sha256 the hub (or the user) gave, inspected by the engine, and only then moved
 * to its name in the models folder and handed to the library. A file that fails its check is
 * set aside under another name and never offered. State lives in the store, so a restart (a
 * clean stop or a kill -9) picks up where it was.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { open, statfs } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import {
  type AddDownload,
  type Download,
  type DownloadList,
  type DownloadSource,
  type ModelFile,
  type RepoFiles,
  TernError,
} from '../../common/contract';
import type { ModelDescription } from '../native';
import type { DownloadRepository, DownloadRow } from '../store';
import { type Inspection, fromDescription, fromError, isFileVerdict } from '../models/describe';
import { sha256File } from '../models/hash';
import { DownloadError } from './errors';
import { HttpClient } from './http';
import { Hub } from './hub';
import type { HubConfig } from './hub-config';
import { SpeedMeter } from './speed';
import { parseSource } from './source';
import { type TransferOptions, partSize, transfer } from './transfer';

export interface RetryPolicy {
  /** Tries in a row without progress before the download fails. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface DownloadServiceOptions {
  repository: DownloadRepository;
  /** The models folder now (it can move). */
  folder: () => string;
  hub: () => HubConfig;
  /** How many run at once. */
  parallel: () => number;
  /** Describes a file without loading it; runs in the engine process. */
  inspect: (path: string) => Promise<ModelDescription>;
  /** Hands a verified, inspected file to the library; answers with its entry. */
  adopt: (path: string, sha256: string, inspection: Inspection) => Promise<ModelFile | undefined>;
  log?: (message: string) => void;
  http?: HttpClient;
  retry?: Partial<RetryPolicy>;
  /** The least time between two progress events. */
  progressIntervalMs?: number;
  /** Free bytes on the disk that holds a folder; tests pretend a full disk here. */
  freeBytes?: (folder: string) => Promise<number>;
  openFile?: TransferOptions['openFile'];
}

/** Why a running download was stopped: by the user (pause, cancel) or by the app closing (it resumes next start). */
class Stop extends Error {
  constructor(readonly why: 'pause' | 'cancel' | 'shutdown') {
    super(`download stopped: ${why}`);
  }
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  meter: SpeedMeter;
  received: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };
/** Room left on the disk beyond the file itself. */
const DISK_MARGIN = 64 * 1024 * 1024;
const SETTLED = new Set(['done', 'failed', 'paused']);

export class DownloadService {
  private readonly running = new Map<string, Running>();
  /** The downloads this service was asked to run (the CLI runs its own, not the app's queue). */
  private readonly wanted = new Set<string>();
  private readonly listeners = new Set<(list: DownloadList) => void>();
  private readonly waiters = new Map<string, Set<(download: Download | null) => void>>();
  private readonly http: HttpClient;
  private readonly retry: RetryPolicy;
  private readonly log: (message: string) => void;
  private progressTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: DownloadServiceOptions) {
    this.http = options.http ?? new HttpClient();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.log = options.log ?? (() => {});
  }

  /** Picks up what the last run left queued or under way (the app does this; the CLI does not). */
  start(): void {
    for (const row of this.options.repository.list()) {
      if (row.state === 'queued' || row.state === 'downloading' || row.state === 'verifying') {
        if (row.state !== 'queued') this.options.repository.update(row.id, { state: 'queued' });
        this.wanted.add(row.id);
      }
    }
    this.pump();
  }

  /** Free bytes on the disk that holds a folder (the models folder); null when it cannot be told. */
  freeBytes(folder: string): Promise<number | null> {
    return (this.options.freeBytes ?? freeBytesOnDisk)(folder).catch(() => null);
  }

  /** The settings changed (more downloads at once, perhaps): start what may start. */
  refresh(): void {
    this.pump();
    this.changed();
  }

  list(): DownloadList {
    return { downloads: this.options.repository.list().map((row) => this.view(row)), parallel: this.options.parallel() };
  }

  get(id: string): Download {
    return this.view(this.require(id));
  }

  onChange(listener: (list: DownloadList) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async listRepoFiles(repo: string, revision = 'main'): Promise<RepoFiles> {
    checkRepo(repo);
    try {
      return await this.hub().listFiles(repo, revision);
    } catch (error) {
      throw asTernError(error);
    }
  }

  /** What the user typed, as a source: a hub repo alone becomes its only .gguf. */
  async resolveSource(request: Pick<AddDownload, 'source' | 'file' | 'revision'>): Promise<DownloadSource> {
    let source: DownloadSource;
    try {
      source = parseSource(request.source, { file: request.file, revision: request.revision, hubEndpoint: this.options.hub().endpoint });
    } catch (error) {
      throw new TernError('BAD_REQUEST', error instanceof Error ? error.message : String(error));
    }
    if (source.kind === 'hub' && source.file === '') source = { ...source, file: await this.onlyGguf(source.repo, source.revision) };
    return source;
  }

  /**
   * The first `bytes` of a file (a GGUF's header, for the fit check), appended to `path` from its
   * current size with a Range request; a server that ignores Range is read only that far.
   */
  async fetchStart(source: DownloadSource, path: string, bytes: number): Promise<void> {
    const hub = this.hub();
    const url = source.kind === 'hub' ? hub.fileUrl(source.repo, source.revision, source.file) : source.url;
    const have = partSize(path);
    if (have >= bytes) return;
    const controller = new AbortController();
    try {
      const response = await this.http.request(url, {
        headers: { range: `bytes=${have}-${bytes - 1}`, 'accept-encoding': 'identity' },
        token: source.kind === 'hub' ? hub.token : null,
        signal: controller.signal,
      });
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        await response.body.dump();
        if (source.kind === 'hub') await hub.fileInfo(source.repo, source.revision, source.file); // throws the hub's own words
        throw new DownloadError(`the server answered ${response.status} for ${describeSource(source)}`);
      }
      if (response.status === 416) {
        await response.body.dump();
        return;
      }
      if (response.status !== 206 && response.status !== 200) {
        await response.body.dump();
        throw new DownloadError(`the server answered ${response.status} for ${describeSource(source)}`, { retryable: true });
      }
      const skip = response.status === 200 ? have : 0;
      await appendUpTo(response.body, path, skip, bytes - have, controller);
    } catch (error) {
      throw asTernError(DownloadError.from(error, `could not read the start of ${describeSource(source)}`));
    }
  }

  /**
   * Queues a download. The same file asked for again answers with the download already there
   * (resumed if it was paused or failed), or with the finished one while its model is on disk.
   * `check` runs first for a new download (the fit check) and may refuse it.
   */
  async add(request: AddDownload, check?: (source: DownloadSource) => Promise<void>): Promise<Download> {
    this.checkOpen();
    const source = await this.resolveSource(request);
    const expected = request.sha256?.toLowerCase() ?? null;

    const same = this.options.repository.list().find((row) => sameSource(row.source, source));
    if (!same && check) await check(source);
    if (same) {
      if (same.state === 'done' && existsSync(this.finalPath(same))) return this.view(same);
      if (this.running.has(same.id)) return this.view(same);
      // Paused, failed, gone, or left under way by a process that was killed: go on from the bytes on disk.
      return this.resume(same.id);
    }
    const row = this.options.repository.create({ id: randomUUID(), source, fileName: this.freeName(source), expectedSha256: expected });
    this.wanted.add(row.id);
    this.changed();
    this.pump();
    return this.view(row);
  }

  pause(id: string): Download {
    const row = this.require(id);
    if (row.state === 'done') throw new TernError('CONFLICT', `${row.fileName} has finished downloading`);
    this.wanted.delete(id);
    const running = this.running.get(id);
    if (running) running.controller.abort(new Stop('pause'));
    else if (row.state !== 'paused') this.setState(id, { state: 'paused', error: null });
    return this.get(id);
  }

  resume(id: string): Download {
    this.checkOpen();
    const row = this.require(id);
    if (row.state === 'done' && existsSync(this.finalPath(row))) throw new TernError('CONFLICT', `${row.fileName} has already been downloaded`);
    this.wanted.add(id);
    if (!this.running.has(id)) {
      // A finished download whose file has gone is fetched again from scratch, checked as before.
      this.setState(id, { state: 'queued', error: null, ...(row.state === 'done' ? { modelId: null, verified: null } : {}) });
      this.pump();
    }
    return this.get(id);
  }

  /** Stops the download and deletes its partial file and its entry. */
  async cancel(id: string): Promise<{ id: string }> {
    const row = this.require(id);
    if (row.state === 'done') throw new TernError('CONFLICT', `${row.fileName} has finished downloading: delete the model instead`);
    this.wanted.delete(id);
    const running = this.running.get(id);
    if (running) {
      running.controller.abort(new Stop('cancel'));
      await running.done;
    }
    rmSync(this.partPath(row), { force: true });
    this.options.repository.delete(id);
    this.settle(id, null);
    this.changed();
    return { id };
  }

  /** Takes a download that is not running off the list; its model (if done) stays. */
  remove(id: string): { id: string } {
    const row = this.require(id);
    if (this.running.has(id) || row.state === 'queued') throw new TernError('CONFLICT', `${row.fileName} is still downloading: cancel it first`);
    if (row.state !== 'done') rmSync(this.partPath(row), { force: true });
    this.wanted.delete(id);
    this.options.repository.delete(id);
    this.settle(id, null);
    this.changed();
    return { id };
  }

  /** Resolves when the download is done, failed or paused; null if it was cancelled or removed. */
  whenSettled(id: string): Promise<Download | null> {
    const row = this.options.repository.get(id);
    if (!row) return Promise.resolve(null);
    if (SETTLED.has(row.state) && !this.running.has(id) && !this.wanted.has(id)) return Promise.resolve(this.view(row));
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      set.add(resolve);
    });
  }

  /** The download a model came from, if Tern downloaded it. */
  provenance(modelId: string): { origin: string | null; verified: boolean | null } {
    const row = this.options.repository.forModel(modelId);
    return row ? { origin: describeSource(row.source), verified: row.verified } : { origin: null, verified: null };
  }

  /**
   * Stops every running download (they resume at the next start, or when `resumeAll` is
   * called) and waits until their files are closed: for moving the folder, and for quitting.
   */
  async suspend(): Promise<string[]> {
    const ids = [...this.running.keys()];
    for (const id of ids) this.running.get(id)?.controller.abort(new Stop('shutdown'));
    await Promise.all(ids.map((id) => this.running.get(id)?.done));
    return ids;
  }

  resumeAll(ids: string[]): void {
    for (const id of ids) this.wanted.add(id);
    this.pump();
  }

  /** The partial files, for moving them along with the folder. */
  partialFiles(): string[] {
    return this.options.repository
      .list()
      .filter((row) => row.state !== 'done')
      .map((row) => this.partPath(row))
      .filter((path) => existsSync(path));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.suspend();
    if (this.progressTimer) clearTimeout(this.progressTimer);
    for (const id of [...this.waiters.keys()]) this.settle(id, this.options.repository.get(id) ? this.get(id) : null);
    if (!this.options.http) await this.http.close();
  }

  // ---- running ----

  private pump(): void {
    if (this.closed) return;
    const limit = Math.max(1, this.options.parallel());
    for (const row of this.options.repository.list()) {
      if (this.running.size >= limit) break;
      if (row.state === 'queued' && this.wanted.has(row.id) && !this.running.has(row.id)) this.begin(row);
    }
  }

  private begin(row: DownloadRow): void {
    const controller = new AbortController();
    const running: Running = { controller, done: Promise.resolve(), meter: new SpeedMeter(), received: partSize(this.partPath(row)) };
    this.running.set(row.id, running);
    running.done = this.run(row.id, running)
      .catch((error: unknown) => {
        this.log(`downloads: ${row.fileName}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (this.options.repository.get(row.id)) this.setState(row.id, { state: 'failed', error: messageOf(error) });
      })
      .finally(() => {
        this.running.delete(row.id);
        const after = this.options.repository.get(row.id);
        if (!after || SETTLED.has(after.state)) this.wanted.delete(row.id);
        if (after && SETTLED.has(after.state)) this.settle(row.id, this.view(after));
        this.changed();
        this.pump();
      });
  }

  private async run(id: string, running: Running): Promise<void> {
    const { signal } = running.controller;
    this.setState(id, { state: 'downloading', error: null });
    let failures = 0;
    for (;;) {
      const before = running.received;
      try {
        await this.fetch(id, running);
        break;
      } catch (error) {
        const stop = signal.aborted ? signal.reason : null;
        if (stop instanceof Stop) return this.stopped(id, stop);
        if (!(error instanceof DownloadError) || !error.retryable) {
          const row = this.require(id);
          const paused = error instanceof DownloadError && error.code === 'disk-full';
          this.setState(id, { state: paused ? 'paused' : 'failed', error: messageOf(error) });
          this.log(`downloads: ${row.fileName}: ${messageOf(error)}`);
          return;
        }
        failures = running.received > before ? 1 : failures + 1;
        if (failures >= this.retry.attempts) {
          this.setState(id, { state: 'failed', error: `${messageOf(error)} (gave up after ${failures} tries; Resume tries again)` });
          return;
        }
        const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
        this.log(`downloads: ${this.require(id).fileName}: ${messageOf(error)}; trying again in ${delay} ms`);
        this.setState(id, { error: `${messageOf(error)}; trying again` });
        if (!(await sleep(delay, signal))) return this.stopped(id, signal.reason as Stop);
      }
    }
    if (signal.aborted) return this.stopped(id, signal.reason as Stop);
    await this.verify(id);
  }

  /** One try: where the bytes are (asking the hub the first time), room on disk, then the transfer. */
  private async fetch(id: string, running: Running): Promise<void> {
    const { signal } = running.controller;
    let row = this.require(id);
    const hub = this.hub();
    let url: string;
    let token = null;
    if (row.source.kind === 'hub') {
      const { repo, revision, file } = row.source;
      if (row.commitSha === null || row.totalBytes === null) {
        const info = await hub.fileInfo(repo, revision, file, signal);
        if (info.sha256 && row.expectedSha256 && info.sha256 !== row.expectedSha256) {
          throw new DownloadError(`the hub says ${file} has sha256 ${info.sha256}, not ${row.expectedSha256} as given: check the sha256, or leave it out`, {
            code: 'bad-hash',
          });
        }
        row = this.options.repository.update(id, {
          commitSha: info.commit ?? revision,
          totalBytes: info.size,
          expectedSha256: info.sha256 ?? row.expectedSha256,
        });
        this.changed();
      }
      url = hub.fileUrl(repo, row.commitSha ?? revision, file);
      token = hub.token;
    } else {
      url = row.source.url;
    }
    await this.checkRoom(row);
    const part = this.partPath(row);
    const result = await transfer({
      http: this.http,
      url,
      token,
      partPath: part,
      etag: row.etag,
      signal,
      openFile: this.options.openFile,
      onStart: ({ totalBytes, etag, received }) => {
        running.received = received;
        running.meter.reset(received);
        const changes: { totalBytes?: number; etag?: string } = {};
        if (totalBytes !== null && totalBytes !== row.totalBytes) changes.totalBytes = totalBytes;
        if (etag && etag !== row.etag && row.source.kind === 'url') changes.etag = etag;
        if (Object.keys(changes).length > 0) row = this.options.repository.update(id, changes);
        this.changed();
      },
      onProgress: (received) => {
        running.received = received;
        running.meter.add(received);
        this.progressed();
      },
    });
    if (result.totalBytes !== row.totalBytes) this.options.repository.update(id, { totalBytes: result.totalBytes });
  }

  private async checkRoom(row: DownloadRow): Promise<void> {
    if (row.totalBytes === null) return;
    const folder = this.options.folder();
    const needed = row.totalBytes - partSize(this.partPath(row));
    if (needed <= 0) return;
    const free = (await this.freeBytes(folder)) ?? Number.POSITIVE_INFINITY;
    if (free < needed + DISK_MARGIN) {
      throw new DownloadError(
        `not enough free disk: ${row.fileName} needs ${gigabytes(needed + DISK_MARGIN)} more on the disk of ${folder}, which has ${gigabytes(free)} free; free some space or move the models folder, then resume`,
        { code: 'disk-full' },
      );
    }
  }

  /** The sha256 check and the engine's inspection; only a file that passes both becomes a model. */
  private async verify(id: string): Promise<void> {
    let row = this.setState(id, { state: 'verifying', error: null });
    const part = this.partPath(row);
    const sha256 = await sha256File(part);
    if (row.expectedSha256 !== null && sha256 !== row.expectedSha256) {
      const aside = this.setAside(row);
      this.setState(id, {
        state: 'failed',
        error: `the file's sha256 is ${sha256}, not ${row.expectedSha256} as ${row.source.kind === 'hub' ? 'the hub says' : 'given'}: it is damaged or not the file asked for, and was set aside as ${basename(aside)}`,
      });
      return;
    }
    let inspection: Inspection;
    try {
      inspection = fromDescription(await this.options.inspect(part));
    } catch (error) {
      // Only the engine's verdict on the file sets it aside; an engine that crashed or is missing
      // says nothing about the file, which stays whole for the next try.
      if (!isFileVerdict(error)) {
        this.setState(id, { state: 'failed', error: `the engine could not look at the file: ${messageOf(error)}; Resume tries again` });
        return;
      }
      inspection = fromError(error);
    }
    if (!inspection.ok) {
      const aside = this.setAside(row);
      this.setState(id, { state: 'failed', error: `the engine cannot run this file: ${inspection.problem}; it was set aside as ${basename(aside)}` });
      return;
    }
    row = this.require(id);
    let finalPath = this.finalPath(row);
    if (existsSync(finalPath)) {
      row = this.options.repository.update(id, { fileName: this.freeName(row.source, row.fileName) });
      finalPath = this.finalPath(row);
    }
    renameSync(part, finalPath);
    // Where it came from is on record before the library lists it.
    this.options.repository.update(id, { modelId: sha256, verified: row.expectedSha256 !== null });
    await this.options.adopt(finalPath, sha256, inspection);
    this.setState(id, { state: 'done', error: null });
  }

  /** A file that failed its check keeps its bytes (for a look) under a name the library never lists. */
  private setAside(row: DownloadRow): string {
    const aside = join(this.options.folder(), `${row.fileName}.rejected`);
    renameSync(this.partPath(row), aside);
    return aside;
  }

  private stopped(id: string, stop: Stop): void {
    if (stop.why === 'cancel' || !this.options.repository.get(id)) return;
    this.setState(id, { state: stop.why === 'pause' ? 'paused' : 'queued' });
  }

  // ---- names and views ----

  private hub(): Hub {
    return new Hub(this.http, this.options.hub());
  }

  private async onlyGguf(repo: string, revision: string): Promise<string> {
    const { files } = await this.listRepoFiles(repo, revision);
    const gguf = files.filter((file) => file.path.toLowerCase().endsWith('.gguf'));
    if (gguf.length === 1) return gguf[0]!.path;
    if (gguf.length === 0) throw new TernError('NOT_FOUND', `${repo} has no .gguf file`);
    throw new TernError('BAD_REQUEST', `${repo} has ${gguf.length} .gguf files; choose one: ${gguf.map((f) => f.path).join(', ')}`);
  }

  /** A name in the models folder that no file and no other download has. */
  private freeName(source: DownloadSource, taken?: string): string {
    const file = source.kind === 'hub' ? posix.basename(source.file) : urlFileName(source.url);
    const prefix = source.kind === 'hub' ? `${source.repo.split('/')[1]}-` : '';
    const rows = this.options.repository.list();
    const free = (name: string): boolean =>
      name !== taken &&
      !existsSync(join(this.options.folder(), name)) &&
      !existsSync(join(this.options.folder(), `${name}.part`)) &&
      !rows.some((row) => row.fileName === name && row.state !== 'done');
    if (free(file)) return file;
    if (prefix && free(prefix + file)) return prefix + file;
    const dot = file.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [file.slice(0, dot), file.slice(dot)] : [file, ''];
    for (let n = 2; ; n++) if (free(`${stem}-${n}${ext}`)) return `${stem}-${n}${ext}`;
  }

  private partPath(row: DownloadRow): string {
    return join(this.options.folder(), `${row.fileName}.part`);
  }

  private finalPath(row: DownloadRow): string {
    return join(this.options.folder(), row.fileName);
  }

  private view(row: DownloadRow): Download {
    const running = this.running.get(row.id);
    const received = running ? running.received : row.state === 'done' ? (fileSize(this.finalPath(row)) ?? row.totalBytes ?? 0) : partSize(this.partPath(row));
    const speed = running && row.state === 'downloading' ? running.meter.bytesPerSecond() : null;
    const remaining = row.totalBytes !== null ? Math.max(0, row.totalBytes - received) : null;
    return {
      id: row.id,
      source: row.source,
      fileName: row.fileName,
      state: row.state,
      receivedBytes: received,
      totalBytes: row.totalBytes,
      bytesPerSecond: speed,
      etaSeconds: speed && remaining !== null ? remaining / speed : null,
      expectedSha256: row.expectedSha256,
      verified: row.verified,
      error: row.error,
      modelId: row.modelId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  private require(id: string): DownloadRow {
    const row = this.options.repository.get(id);
    if (!row) throw new TernError('NOT_FOUND', `no download with id ${id}`);
    return row;
  }

  private checkOpen(): void {
    if (this.closed) throw new TernError('UNAVAILABLE', 'downloads are shutting down');
  }

  private setState(id: string, changes: Parameters<DownloadRepository['update']>[1]): DownloadRow {
    const row = this.options.repository.update(id, changes);
    this.changed();
    return row;
  }

  private settle(id: string, download: Download | null): void {
    const set = this.waiters.get(id);
    if (!set) return;
    this.waiters.delete(id);
    for (const resolve of set) resolve(download);
  }

  /** A change of state: told at once. */
  private changed(): void {
    if (this.progressTimer) {
      clearTimeout(this.progressTimer);
      this.progressTimer = null;
    }
    const list = this.list();
    for (const listener of this.listeners) listener(list);
  }

  /** Bytes arrived: told at most every progressIntervalMs. */
  private progressed(): void {
    if (this.progressTimer || this.listeners.size === 0) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      this.changed();
    }, this.options.progressIntervalMs ?? 250);
  }
}

// ---- helpers ----

function sameSource(a: DownloadSource, b: DownloadSource): boolean {
  if (a.kind === 'hub' && b.kind === 'hub') return a.repo === b.repo && a.revision === b.revision && a.file === b.file;
  return a.kind === 'url' && b.kind === 'url' && a.url === b.url;
}

export function describeSource(source: DownloadSource): string {
  if (source.kind === 'url') return source.url.replace(/\?.*$/, '');
  return `${source.repo}/${source.file}${source.revision === 'main' ? '' : `@${source.revision}`}`;
}

function urlFileName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '').replace(/[\\/:*?"<>|\0]/g, '_');
  if (!name) return 'download.gguf';
  return name;
}

function checkRepo(repo: string): void {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new TernError('BAD_REQUEST', `${repo} is not a repository name (owner/name)`);
}

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

async function freeBytesOnDisk(folder: string): Promise<number> {
  const stats = await statfs(folder);
  return stats.bavail * stats.bsize;
}

function gigabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.ceil(bytes / 1e6)} MB`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asTernError(error: unknown): Error {
  if (error instanceof TernError) return error;
  if (error instanceof DownloadError) {
    const code = error.code === 'not-found' ? 'NOT_FOUND' : error.code === 'url' ? 'BAD_REQUEST' : 'UNAVAILABLE';
    return new TernError(code, error.message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Appends up to `limit` bytes of a body to a file, after skipping `skip` bytes; then stops reading. */
async function appendUpTo(body: AsyncIterable<Buffer>, path: string, skip: number, limit: number, controller: AbortController): Promise<void> {
  const file = await open(path, 'a');
  let skipped = 0;
  let written = 0;
  try {
    for await (const chunk of body) {
      let piece = chunk;
      if (skipped < skip) {
        const drop = Math.min(skip - skipped, piece.length);
        skipped += drop;
        piece = piece.subarray(drop);
      }
      if (piece.length === 0) continue;
      piece = piece.subarray(0, limit - written);
      await file.write(piece);
      written += piece.length;
      if (written >= limit) break;
    }
  } finally {
    controller.abort();
    await file.close();
  }
}

/** Waits, unless the signal fires first; true when the time passed. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A local stand-in for the Hugging Face hub, for testing the download manager without a network.
 *
 * startFakeHub() starts two HTTP servers on 127.0.0.1: the "hub" (the tree API and the resolve
 * URLs, as huggingface_hub sees them) and a "cdn" on another port, where the hub's 302 for an LFS
 * file leads (a signed URL: it never asks for a token). Tests add files, change `behave` between
 * requests to make the servers misbehave (fail, drop, ignore Range, throttle, ask for a token), and
 * read `requests` afterwards to see exactly what the client sent and what it was given.
 *
 * Hub:
 *   GET /api/models/{owner}/{name}/tree/{revision}[/{folder}][?recursive=true]
 *     (sorted by path; folders are listed too, at every depth with recursive=true, as the real hub does)
 *   HEAD|GET /{owner}/{name}/resolve/{revision}/{path...}
 * Cdn:
 *   HEAD|GET /blobs/{sha256}?signed=...   (where the hub redirects for LFS files)
 *   HEAD|GET /direct/{path...}            (files added with addDirect)
 *
 * A revision is a branch name (`main` unless addFile says otherwise) or its commit sha: `main` of a
 * repo is sha1(repo), any other name is sha1(`${repo}@${name}`) unless the name is itself 40 hex
 * digits. Revisions with a slash (refs/pr/1) arrive URL-encoded as one path segment, as from
 * huggingface_hub.
 *
 * A "content GET" is a GET answered with a file's bytes: on the cdn, and on the hub's resolve for a
 * non-LFS file or with `noRedirect`. HEAD requests and the resolve 302 are never content GETs. The
 * failure behaviours (failTimes, dropAfterBytes, bytesPerSecond, ignoreRange) apply to content GETs
 * only, wherever they are served.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the servers misbehave; mutable, a test changes it between requests. */
export interface Behaviour {
  /**
   * Tree and resolve requests on the hub need `Authorization: Bearer <this>`: without one they get
   * 401, with another token 403 (both JSON `{"error": ...}` with `X-Error-Code: GatedRepo`).
   */
  requireToken?: string;
  /** Content GETs answer 200 with the whole body even when a Range header is sent. */
  ignoreRange?: boolean;
  /**
   * The next `dropTimes` content GETs destroy the socket after writing this many body bytes
   * (a GET whose body is no longer than this is sent whole, but still uses up one drop).
   * Cleared once used up.
   */
  dropAfterBytes?: number;
  /** How many content GETs dropAfterBytes applies to (1 when not set); counts down. */
  dropTimes?: number;
  /** The next N content GETs answer 503; counts down. */
  failTimes?: number;
  /**
   * Content bodies are sent at about this many bytes a second, in small chunks on a timer. Read
   * before every chunk, so a change applies to bodies already streaming.
   */
  bytesPerSecond?: number;
  /** Resolve serves an LFS file's content itself (200/206, same X-Linked-* headers) instead of a 302 to the cdn. */
  noRedirect?: boolean;
}

/** One request to either server, as the client sent it and as it was answered. */
export interface RecordedRequest {
  server: 'hub' | 'cdn';
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The status sent; 0 until the headers go out. */
  status: number;
  /** Body bytes handed to the socket for this request so far (updated while a body streams). */
  bytesSent: number;
}

export interface FakeHubOptions {
  /** The initial behaviour (copied; change `hub.behave` afterwards). */
  behave?: Behaviour;
}

export interface AddFileOptions {
  /** The branch (or a 40-hex commit sha) the file is added under; `main` by default. */
  revision?: string;
  /** Stored with Git LFS (resolve redirects to the cdn, the tree has an `lfs` key); true by default. */
  lfs?: boolean;
  /**
   * The sha256 the hub claims for an LFS file (tree `lfs.oid`, X-Linked-Etag, the cdn's ETag) while
   * the bytes served stay the real content: for "wrong sha256" tests.
   */
  sha256Override?: string;
}

/** What addFile stored, for a test's expectations. */
export interface AddedFile {
  /** The commit sha of the file's revision. */
  commit: string;
  /** The tree's `oid`: the git blob sha1 (of the LFS pointer, for an LFS file). */
  gitOid: string;
  /** The real sha256 of the content (the hub may claim another: see sha256Override). */
  sha256: string;
  /** The hub's resolve URL for the file at its revision. */
  url: string;
}

export interface FakeHub {
  /** The hub's base URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
  endpoint: string;
  /** The cdn's base URL, on another port. */
  cdnOrigin: string;
  /** Adds (or replaces) a file of a repo (`owner/name`); the repo exists once it has a file. */
  addFile(repo: string, path: string, content: Buffer, opts?: AddFileOptions): AddedFile;
  /** Serves `content` at a plain URL on the cdn (Range, ETag = quoted sha1 of content); returns the URL. */
  addDirect(path: string, content: Buffer): string;
  /** How the servers misbehave; mutable. */
  behave: Behaviour;
  /** Every request to either server, in the order they arrived. */
  requests: RecordedRequest[];
  /**
   * Body bytes of file content written by content GETs: in total, or for one file, named by its
   * path in the repo (`model.gguf`), by `owner/name/path`, or by an addDirect path.
   */
  bytesServed(path?: string): number;
  /** Closes both servers, destroying open connections (streams in flight end at once). */
  close(): Promise<void>;
}

interface StoredFile {
  repo: string;
  revision: string;
  commit: string;
  path: string;
  content: Buffer;
  lfs: boolean;
  gitOid: string;
  /** What the hub claims for an LFS file (the real sha256 unless overridden). */
  claimedSha256: string;
  /** The `signed` query of the cdn URL the hub redirects to; names this file. */
  signature: string;
}

interface DirectFile {
  path: string;
  content: Buffer;
  etag: string;
}

/** The bytes a content response serves, and what bytesServed counts them under. */
interface Content {
  body: Buffer;
  /** Quoted. */
  etag: string;
  /** Headers besides the content ones (X-Repo-Commit, X-Linked-*). */
  headers: Record<string, string>;
  /** The names bytesServed(path) matches. */
  names: string[];
}

interface TreeEntry {
  type: 'file' | 'directory';
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

/** One request being answered. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  record: RecordedRequest;
}

const TICK_MS = 50;
const CHUNK_BYTES = 64 * 1024;

const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const isCommitSha = (value: string) => /^[0-9a-f]{40}$/.test(value);

/** The git blob sha1 of some content, as `git hash-object` gives it. */
function gitBlobSha1(content: Buffer): string {
  return sha1(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]));
}

function lfsPointer(oid: string, size: number): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${size}\n`);
}

function commitOf(repo: string, revision: string): string {
  if (isCommitSha(revision)) return revision;
  return revision === 'main' ? sha1(repo) : sha1(`${repo}@${revision}`);
}

/** The path of a URL split into decoded segments, without empty ones. */
function segmentsOf(pathname: string): string[] | null {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts the hub and the cdn; close() them when done. */
export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const hub = new FakeHubServers(options);
  await hub.listen();
  return hub;
}

class FakeHubServers implements FakeHub {
  endpoint = '';
  cdnOrigin = '';
  behave: Behaviour;
  requests: RecordedRequest[] = [];

  private readonly hubServer = http.createServer((req, res) => this.handle('hub', req, res));
  private readonly cdnServer = http.createServer((req, res) => this.handle('cdn', req, res));
  /** repo → revision name → path → file. */
  private readonly repos = new Map<string, Map<string, Map<string, StoredFile>>>();
  private readonly directFiles = new Map<string, DirectFile>();
  /** What each content GET served, for bytesServed. */
  private readonly contentNames = new Map<RecordedRequest, string[]>();
  private closed = false;

  constructor(options: FakeHubOptions) {
    this.behave = { ...options.behave };
    for (const server of [this.hubServer, this.cdnServer]) {
      // A client that goes away mid-request must not become an unhandled error.
      server.on('clientError', (_err, socket) => socket.destroy());
    }
  }

  async listen(): Promise<void> {
    this.endpoint = await listenOn(this.hubServer);
    this.cdnOrigin = await listenOn(this.cdnServer);
  }

  addFile(repo: string, path: string, content: Buffer, opts: AddFileOptions = {}): AddedFile {
    if (!/^[^/]+\/[^/]+$/.test(repo)) throw new Error(`a repo is owner/name, not ${repo}`);
    const revision = opts.revision ?? 'main';
    const lfs = opts.lfs ?? true;
    const realSha256 = sha256(content);
    const claimedSha256 = opts.sha256Override ?? realSha256;
    const file: StoredFile = {
      repo,
      revision,
      commit: commitOf(repo, revision),
      path,
      content,
      lfs,
      gitOid: gitBlobSha1(lfs ? lfsPointer(claimedSha256, content.length) : content),
      claimedSha256,
      signature: sha1(`${repo}\0${revision}\0${path}`),
    };
    const revisions = this.repos.get(repo) ?? new Map<string, Map<string, StoredFile>>();
    const files = revisions.get(revision) ?? new Map<string, StoredFile>();
    files.set(path, file);
    revisions.set(revision, files);
    this.repos.set(repo, revisions);
    return { commit: file.commit, gitOid: file.gitOid, sha256: realSha256, url: this.resolveUrl(file) };
  }

  addDirect(path: string, content: Buffer): string {
    this.directFiles.set(path, { path, content, etag: `"${sha1(content)}"` });
    return `${this.cdnOrigin}/direct/${path.split('/').map(encodeURIComponent).join('/')}`;
  }

  bytesServed(path?: string): number {
    let total = 0;
    for (const record of this.requests) {
      const names = this.contentNames.get(record);
      if (names && (path === undefined || names.includes(path))) total += record.bytesSent;
    }
    return total;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [this.hubServer, this.cdnServer].map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  // --- Routing -------------------------------------------------------------------------------

  private handle(server: 'hub' | 'cdn', req: http.IncomingMessage, res: http.ServerResponse): void {
    const record: RecordedRequest = {
      server,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      status: 0,
      bytesSent: 0,
    };
    this.requests.push(record);
    const ex: Exchange = { req, res, record };
    const route = server === 'hub' ? this.routeHub(ex) : this.routeCdn(ex);
    route.catch(() => res.destroy());
  }

  private async routeHub(ex: Exchange): Promise<void> {
    const url = new URL(ex.req.url ?? '/', 'http://hub');
    const segments = segmentsOf(url.pathname);
    if (!segments) return sendError(ex, 400, 'BadRequest', 'Malformed URL');
    if (ex.req.method !== 'GET' && ex.req.method !== 'HEAD') return sendError(ex, 405, 'MethodNotAllowed', 'Method not allowed');

    // /api/models/{owner}/{name}/tree/{revision}[/{folder...}]
    const [api, models, treeOwner, treeName, tree, treeRevision, ...folder] = segments;
    if (api === 'api' && models === 'models' && tree === 'tree' && treeRevision !== undefined) {
      if (!this.authorised(ex)) return;
      return this.sendTree(ex, `${treeOwner}/${treeName}`, treeRevision, folder.join('/'), url.searchParams.get('recursive') === 'true');
    }
    // /{owner}/{name}/resolve/{revision}/{path...}
    const [owner, name, resolve, revision, ...path] = segments;
    if (resolve === 'resolve' && revision !== undefined && path.length > 0) {
      if (!this.authorised(ex)) return;
      return this.resolve(ex, `${owner}/${name}`, revision, path.join('/'));
    }
    sendError(ex, 404, 'NotFound', 'Not found');
  }

  private async routeCdn(ex: Exchange): Promise<void> {
    const url = new URL(ex.req.url ?? '/', 'http://cdn');
    const segments = segmentsOf(url.pathname);
    if (!segments) return sendError(ex, 400, 'BadRequest', 'Malformed URL');
    if (ex.req.method !== 'GET' && ex.req.method !== 'HEAD') return sendError(ex, 405, 'MethodNotAllowed', 'Method not allowed');

    const [kind, ...rest] = segments;
    if (kind === 'blobs' && rest.length === 1) {
      const file = this.blob(rest[0] ?? '', url.searchParams.get('signed'));
      if (file) return this.serveContent(ex, { body: file.content, etag: `"${file.claimedSha256}"`, headers: {}, names: namesOf(file) });
    }
    if (kind === 'direct') {
      const file = this.directFiles.get(rest.join('/'));
      if (file) return this.serveContent(ex, { body: file.content, etag: file.etag, headers: {}, names: [file.path] });
    }
    sendError(ex, 404, 'NotFound', 'Not found');
  }

  // --- The hub -------------------------------------------------------------------------------

  /** Answers 401/403 and returns false when requireToken is set and not met. */
  private authorised(ex: Exchange): boolean {
    const token = this.behave.requireToken;
    if (token === undefined) return true;
    const given = ex.req.headers.authorization;
    if (given === `Bearer ${token}`) return true;
    if (given === undefined) {
      sendError(ex, 401, 'GatedRepo', 'Access to this model is restricted. You must be authenticated to access it.');
    } else {
      sendError(ex, 403, 'GatedRepo', 'Access to this model is restricted and you are not in the authorized list.');
    }
    return false;
  }

  /** The files of a repo at a revision (a branch name or its commit sha), or an error sent. */
  private filesAt(ex: Exchange, repo: string, revision: string): Map<string, StoredFile> | null {
    const revisions = this.repos.get(repo);
    if (!revisions) {
      sendError(ex, 404, 'RepoNotFound', 'Repository not found');
      return null;
    }
    for (const [name, files] of revisions) {
      if (name === revision || commitOf(repo, name) === revision) return files;
    }
    sendError(ex, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
    return null;
  }

  private sendTree(ex: Exchange, repo: string, revision: string, folder: string, recursive: boolean): void {
    const files = this.filesAt(ex, repo, revision);
    if (!files) return;
    const prefix = folder ? `${folder}/` : '';
    const entries = new Map<string, TreeEntry>();
    for (const file of files.values()) {
      if (!file.path.startsWith(prefix)) continue;
      const parts = file.path.slice(prefix.length).split('/');
      // The folders between the listed one and the file: all of them, or only the first level.
      const depth = recursive ? parts.length - 1 : Math.min(1, parts.length - 1);
      for (let i = 1; i <= depth; i++) {
        const path = prefix + parts.slice(0, i).join('/');
        entries.set(path, { type: 'directory', oid: sha1(`tree\0${file.commit}\0${path}`), size: 0, path });
      }
      if (recursive || parts.length === 1) entries.set(file.path, treeEntryOf(file));
    }
    if (entries.size === 0 && folder) return sendError(ex, 404, 'EntryNotFound', `${folder} does not exist on "${revision}"`);
    const sorted = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    sendJson(ex, 200, sorted);
  }

  private async resolve(ex: Exchange, repo: string, revision: string, path: string): Promise<void> {
    const files = this.filesAt(ex, repo, revision);
    if (!files) return;
    const file = files.get(path);
    if (!file) return sendError(ex, 404, 'EntryNotFound', `${path} does not exist on "${revision}"`);

    const headers: Record<string, string> = { 'X-Repo-Commit': file.commit };
    if (!file.lfs) {
      return this.serveContent(ex, { body: file.content, etag: `"${file.gitOid}"`, headers, names: namesOf(file) });
    }
    headers['X-Linked-Etag'] = `"${file.claimedSha256}"`;
    headers['X-Linked-Size'] = String(file.content.length);
    if (this.behave.noRedirect) {
      return this.serveContent(ex, { body: file.content, etag: `"${file.gitOid}"`, headers, names: namesOf(file) });
    }
    writeHead(ex, 302, { ...headers, ETag: `"${file.gitOid}"`, Location: this.cdnUrl(file), 'Content-Length': '0' });
    ex.res.end();
  }

  private resolveUrl(file: StoredFile): string {
    const revision = encodeURIComponent(file.revision);
    return `${this.endpoint}/${file.repo}/resolve/${revision}/${file.path.split('/').map(encodeURIComponent).join('/')}`;
  }

  private cdnUrl(file: StoredFile): string {
    return `${this.cdnOrigin}/blobs/${file.claimedSha256}?signed=${file.signature}`;
  }

  /** The file a cdn blob URL names: the signed one if it matches, else any with that sha256. */
  private blob(sha: string, signature: string | null): StoredFile | undefined {
    let any: StoredFile | undefined;
    for (const revisions of this.repos.values()) {
      for (const files of revisions.values()) {
        for (const file of files.values()) {
          if (!file.lfs || file.claimedSha256 !== sha) continue;
          if (file.signature === signature) return file;
          any ??= file;
        }
      }
    }
    return any;
  }

  // --- Content, with Range and the failure behaviours ---------------------------------------

  private async serveContent(ex: Exchange, content: Content): Promise<void> {
    const { req, res } = ex;
    const isGet = req.method === 'GET';
    if (isGet && (this.behave.failTimes ?? 0) > 0) {
      this.behave.failTimes = (this.behave.failTimes ?? 0) - 1;
      writeHead(ex, 503, { 'Content-Type': 'text/plain', 'Retry-After': '0' });
      return sendBody(ex, Buffer.from('Service Unavailable'));
    }

    const total = content.body.length;
    const headers: Record<string, string> = {
      ...content.headers,
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
      ETag: content.etag,
    };
    const ignoreRange = isGet && this.behave.ignoreRange;
    const range = ignoreRange ? 'whole' : rangeOf(req, content.etag, total);
    if (range === 'unsatisfiable') {
      writeHead(ex, 416, { ...headers, 'Content-Range': `bytes */${total}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    const [start, end] = range === 'whole' ? [0, total - 1] : range;
    const body = content.body.subarray(start, end + 1);
    headers['Content-Length'] = String(body.length);
    if (range !== 'whole') headers['Content-Range'] = `bytes ${start}-${end}/${total}`;
    writeHead(ex, range === 'whole' ? 200 : 206, headers);
    if (!isGet) {
      res.end();
      return;
    }
    this.contentNames.set(ex.record, content.names);
    await this.stream(ex, body, this.takeDrop());
  }

  /** Uses up one drop: the byte count to cut the next body at, if any. */
  private takeDrop(): number | undefined {
    const after = this.behave.dropAfterBytes;
    if (after === undefined) return undefined;
    const left = (this.behave.dropTimes ?? 1) - 1;
    if (left > 0) {
      this.behave.dropTimes = left;
    } else {
      delete this.behave.dropAfterBytes;
      delete this.behave.dropTimes;
    }
    return after;
  }

  /** Writes a body chunk by chunk (throttled when asked), then ends it or, to drop, destroys the socket. */
  private async stream(ex: Exchange, body: Buffer, dropAfter: number | undefined): Promise<void> {
    const { res } = ex;
    let gone = false;
    res.on('close', () => (gone = true));
    const drop = dropAfter !== undefined && dropAfter < body.length;
    const limit = drop ? dropAfter : body.length;
    let offset = 0;
    while (offset < limit) {
      const rate = this.behave.bytesPerSecond;
      const size = rate ? Math.max(1, Math.floor((rate * TICK_MS) / 1000)) : CHUNK_BYTES;
      const chunk = body.subarray(offset, Math.min(limit, offset + size));
      // Waiting for each chunk to be flushed is the backpressure, and makes a drop cut after exactly these bytes.
      await writeChunk(ex, chunk);
      offset += chunk.length;
      if (rate && offset < limit) await sleep(TICK_MS);
      if (gone || this.closed) return;
    }
    if (drop) res.destroy();
    else res.end();
  }
}

// --- Helpers ---------------------------------------------------------------------------------

function listenOn(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function namesOf(file: StoredFile): string[] {
  return [file.path, `${file.repo}/${file.path}`];
}

function treeEntryOf(file: StoredFile): TreeEntry {
  const entry: TreeEntry = { type: 'file', oid: file.gitOid, size: file.content.length, path: file.path };
  if (file.lfs) {
    const pointerSize = lfsPointer(file.claimedSha256, file.content.length).length;
    entry.lfs = { oid: file.claimedSha256, size: file.content.length, pointerSize };
  }
  return entry;
}

/**
 * The byte range a request asks for: a single `bytes=START-` or `bytes=START-END`, honoured unless
 * If-Range names another ETag. Anything else (no header, other forms, END before START) is 'whole'.
 */
function rangeOf(req: http.IncomingMessage, etag: string, total: number): [number, number] | 'whole' | 'unsatisfiable' {
  const header = req.headers.range;
  if (!header) return 'whole';
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag) return 'whole';
  const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  if (!match) return 'whole';
  const start = Number(match[1]);
  const end = match[2] ? Number(match[2]) : Infinity;
  if (end < start) return 'whole';
  if (start >= total) return 'unsatisfiable';
  return [start, Math.min(end, total - 1)];
}

function writeHead(ex: Exchange, status: number, headers: Record<string, string>): void {
  ex.record.status = status;
  ex.res.writeHead(status, headers);
}

/** Ends the response with a small body (none for HEAD). */
function sendBody(ex: Exchange, body: Buffer): void {
  if (ex.req.method === 'HEAD') {
    ex.res.end();
    return;
  }
  ex.record.bytesSent += body.length;
  ex.res.end(body);
}

function sendJson(ex: Exchange, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  writeHead(ex, status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length) });
  sendBody(ex, body);
}

/** A hub-style error: JSON `{"error": message}` with X-Error-Code and X-Error-Message. */
function sendError(ex: Exchange, status: number, code: string, message: string): void {
  sendJson(ex, status, { error: message }, { 'X-Error-Code': code, 'X-Error-Message': message });
}

/** Writes a chunk and waits until it is flushed, or the response is closed. */
function writeChunk(ex: Exchange, chunk: Buffer): Promise<void> {
  const { res, record } = ex;
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    const done = () => {
      res.off('close', done);
      resolve();
    };
    res.on('close', done);
    record.bytesSent += chunk.length;
    res.write(chunk, () => done());
  });
}

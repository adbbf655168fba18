/** The downloads table: what each download fetches, where to, and how far it has got. */
import type Database from 'better-sqlite3';
import type { DownloadSource, DownloadState } from '../../common/contract';

export interface DownloadRow {
  id: string;
  source: DownloadSource;
  /** The file's name in the models folder (the partial file is this plus .part). */
  fileName: string;
  state: DownloadState;
  totalBytes: number | null;
  expectedSha256: string | null;
  /** The commit a hub revision resolved to when the download started, so a resume gets the same file. */
  commitSha: string | null;
  /** A direct URL's ETag, sent as If-Range so a changed file starts over rather than being spliced. */
  etag: string | null;
  verified: boolean | null;
  error: string | null;
  modelId: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewDownload = Pick<DownloadRow, 'id' | 'source' | 'fileName' | 'expectedSha256'>;
export type DownloadChanges = Partial<
  Pick<DownloadRow, 'fileName' | 'state' | 'totalBytes' | 'expectedSha256' | 'commitSha' | 'etag' | 'verified' | 'error' | 'modelId'>
>;

interface Row {
  id: string;
  kind: 'hub' | 'url';
  repo: string | null;
  revision: string | null;
  repo_file: string | null;
  url: string | null;
  commit_sha: string | null;
  etag: string | null;
  file_name: string;
  state: DownloadState;
  total_bytes: number | null;
  expected_sha256: string | null;
  verified: number | null;
  error: string | null;
  model_id: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS: Record<keyof DownloadChanges, string> = {
  fileName: 'file_name',
  state: 'state',
  totalBytes: 'total_bytes',
  expectedSha256: 'expected_sha256',
  commitSha: 'commit_sha',
  etag: 'etag',
  verified: 'verified',
  error: 'error',
  modelId: 'model_id',
};

export class DownloadRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  list(): DownloadRow[] {
    return this.db.prepare<[], Row>('SELECT * FROM downloads ORDER BY created_at, id').all().map(fromRow);
  }

  get(id: string): DownloadRow | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM downloads WHERE id = ?').get(id);
    return row ? fromRow(row) : undefined;
  }

  create(download: NewDownload): DownloadRow {
    const at = this.now();
    const { source } = download;
    this.db
      .prepare(
        `INSERT INTO downloads (id, kind, repo, revision, repo_file, url, file_name, state, expected_sha256, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(
        download.id,
        source.kind,
        source.kind === 'hub' ? source.repo : null,
        source.kind === 'hub' ? source.revision : null,
        source.kind === 'hub' ? source.file : null,
        source.kind === 'url' ? source.url : null,
        download.fileName,
        download.expectedSha256,
        at,
        at,
      );
    return this.get(download.id)!;
  }

  update(id: string, changes: DownloadChanges): DownloadRow {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [keyof DownloadChanges, unknown][];
    const sets = entries.map(([key]) => `${COLUMNS[key]} = ?`);
    const values = entries.map(([, value]) => (typeof value === 'boolean' ? Number(value) : value));
    this.db.prepare(`UPDATE downloads SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...values, this.now(), id);
    return this.get(id)!;
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM downloads WHERE id = ?').run(id);
  }

  /** The finished download a model came from, if Tern downloaded it. */
  forModel(modelId: string): DownloadRow | undefined {
    const row = this.db
      .prepare<[string], Row>('SELECT * FROM downloads WHERE model_id = ? ORDER BY updated_at DESC LIMIT 1')
      .get(modelId);
    return row ? fromRow(row) : undefined;
  }
}

function fromRow(row: Row): DownloadRow {
  const source: DownloadSource =
    row.kind === 'hub' ? { kind: 'hub', repo: row.repo!, revision: row.revision!, file: row.repo_file! } : { kind: 'url', url: row.url! };
  return {
    id: row.id,
    source,
    fileName: row.file_name,
    state: row.state,
    totalBytes: row.total_bytes,
    expectedSha256: row.expected_sha256,
    commitSha: row.commit_sha,
    etag: row.etag,
    verified: row.verified === null ? null : row.verified === 1,
    error: row.error,
    modelId: row.model_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

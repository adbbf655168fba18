/**
 * Version 3, for downloads: each download's source, its file in the models folder, its state and
 * what the hub said of the file (size, sha256, the commit it resolved to, the ETag a direct URL
 * answered with), so a download resumes after a restart from the bytes on disk, against the same
 * revision of the same file. The bytes received are not stored: the partial file's size is the
 * truth. And an index to find when each model last answered.
 */
import type { Migration } from './migrations';

export const migration003: Migration = {
  version: 3,
  description: 'downloads; messages by the model that wrote them',
  up: `
    CREATE TABLE downloads (
      id               TEXT PRIMARY KEY NOT NULL,
      kind             TEXT NOT NULL CHECK (kind IN ('hub', 'url')),
      repo             TEXT,
      revision         TEXT,
      repo_file        TEXT,
      url              TEXT,
      commit_sha       TEXT,
      etag             TEXT,
      file_name        TEXT NOT NULL,
      state            TEXT NOT NULL CHECK (state IN ('queued', 'downloading', 'paused', 'verifying', 'done', 'failed')),
      total_bytes      INTEGER,
      expected_sha256  TEXT,
      verified         INTEGER CHECK (verified IS NULL OR verified IN (0, 1)),
      error            TEXT,
      model_id         TEXT,
      created_at       INTEGER NOT NULL,
      updated_at       INTEGER NOT NULL,
      CHECK ((kind = 'hub' AND repo IS NOT NULL AND revision IS NOT NULL AND repo_file IS NOT NULL) OR (kind = 'url' AND url IS NOT NULL))
    );
    CREATE INDEX downloads_model ON downloads(model_id) WHERE model_id IS NOT NULL;

    -- When each model last answered (the Models view's "last used").
    CREATE INDEX messages_model ON messages(model_id, created_at) WHERE model_id IS NOT NULL;
  `,
};

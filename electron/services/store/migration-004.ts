/**
 * Version 4, for tuning: the profiles users save (a name and the five tuning values), the
 * profile a model has as its own default, and the benchmarks run here (what was measured, on
 * what, with which settings; the whole record as JSON, with the columns a list needs beside it);
 * and the CPU threads each reply ran with.
 */
import type { Migration } from './migrations';

export const migration004: Migration = {
  version: 4,
  description: 'tuning profiles, model default profiles, benchmarks; threads per reply',
  up: `
    CREATE TABLE tuning_profiles (
      id             TEXT PRIMARY KEY NOT NULL,
      name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
      tuning_values  TEXT NOT NULL CHECK (json_valid(tuning_values)),
      created_at     INTEGER NOT NULL
    );

    -- A model's own default profile (models are keyed by their sha256, as elsewhere).
    CREATE TABLE model_profiles (
      model_id    TEXT PRIMARY KEY NOT NULL,
      profile_id  TEXT NOT NULL REFERENCES tuning_profiles(id) ON DELETE CASCADE
    );
    CREATE INDEX model_profiles_profile ON model_profiles(profile_id);

    CREATE TABLE benchmarks (
      id            TEXT PRIMARY KEY NOT NULL,
      created_at    INTEGER NOT NULL,
      state         TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled', 'failed')),
      model_id      TEXT NOT NULL,
      best_threads  INTEGER CHECK (best_threads IS NULL OR best_threads > 0),
      data          TEXT NOT NULL CHECK (json_valid(data))
    );
    CREATE INDEX benchmarks_created ON benchmarks(created_at);

    -- The CPU threads each reply was generated with (its stats say so).
    ALTER TABLE messages ADD COLUMN threads INTEGER CHECK (threads IS NULL OR threads > 0);
  `,
};

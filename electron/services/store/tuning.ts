/** Tuning's tables: saved profiles, each model's default profile, and the benchmarks run here. */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Benchmark, TuningProfile, TuningValues } from '../../common/contract';

interface ProfileRow {
  id: string;
  name: string;
  tuning_values: string;
  created_at: number;
}

export class TuningProfileRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  list(): TuningProfile[] {
    return this.db.prepare<[], ProfileRow>('SELECT * FROM tuning_profiles ORDER BY created_at, id').all().map(profileFrom);
  }

  get(id: string): TuningProfile | undefined {
    const row = this.db.prepare<[string], ProfileRow>('SELECT * FROM tuning_profiles WHERE id = ?').get(id);
    return row ? profileFrom(row) : undefined;
  }

  /** Saves the values under a name; a profile of the same name (any case) gets the new values. */
  save(name: string, values: TuningValues): TuningProfile {
    const existing = this.db.prepare<[string], ProfileRow>('SELECT * FROM tuning_profiles WHERE name = ?').get(name);
    if (existing) {
      this.db.prepare('UPDATE tuning_profiles SET name = ?, tuning_values = ? WHERE id = ?').run(name, JSON.stringify(values), existing.id);
      return this.get(existing.id)!;
    }
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO tuning_profiles (id, name, tuning_values, created_at) VALUES (?, ?, ?, ?)')
      .run(id, name, JSON.stringify(values), this.now());
    return this.get(id)!;
  }

  /** Deletes a profile (and makes it no model's default); false when there was none. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM tuning_profiles WHERE id = ?').run(id).changes > 0;
  }

  /** Each model's own default profile, by model id. */
  modelProfiles(): Record<string, string> {
    const rows = this.db.prepare<[], { model_id: string; profile_id: string }>('SELECT model_id, profile_id FROM model_profiles ORDER BY model_id').all();
    return Object.fromEntries(rows.map((row) => [row.model_id, row.profile_id]));
  }

  modelProfile(modelId: string): TuningProfile | undefined {
    const row = this.db
      .prepare<[string], ProfileRow>('SELECT p.* FROM model_profiles m JOIN tuning_profiles p ON p.id = m.profile_id WHERE m.model_id = ?')
      .get(modelId);
    return row ? profileFrom(row) : undefined;
  }

  /** null: the model has no default profile of its own. */
  setModelProfile(modelId: string, profileId: string | null): void {
    if (profileId === null) this.db.prepare('DELETE FROM model_profiles WHERE model_id = ?').run(modelId);
    else {
      this.db
        .prepare('INSERT INTO model_profiles (model_id, profile_id) VALUES (?, ?) ON CONFLICT(model_id) DO UPDATE SET profile_id = excluded.profile_id')
        .run(modelId, profileId);
    }
  }
}

function profileFrom(row: ProfileRow): TuningProfile {
  return { id: row.id, name: row.name, values: JSON.parse(row.tuning_values) as TuningValues, createdAt: row.created_at };
}

/** The machine a benchmark ran on, kept beside it for the export. */
export interface BenchmarkMachine {
  platform: string;
  arch: string;
  logicalCores: number;
  physicalCores: number;
  totalMemoryBytes: number;
}

export interface BenchmarkRecord {
  benchmark: Benchmark;
  machine: BenchmarkMachine | null;
}

interface BenchmarkRow {
  id: string;
  created_at: number;
  state: Benchmark['state'];
  model_id: string;
  best_threads: number | null;
  data: string;
}

export class BenchmarkRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  /** A new benchmark's id and creation time. */
  newIdentity(): { id: string; createdAt: number } {
    return { id: randomUUID(), createdAt: this.now() };
  }

  /** Inserts or replaces the benchmark. */
  save(benchmark: Benchmark, machine: BenchmarkMachine | null): void {
    this.db
      .prepare(
        `INSERT INTO benchmarks (id, created_at, state, model_id, best_threads, data) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, best_threads = excluded.best_threads, data = excluded.data`,
      )
      .run(benchmark.id, benchmark.createdAt, benchmark.state, benchmark.modelId, benchmark.bestThreads, JSON.stringify({ ...benchmark, machine }));
  }

  /** Newest first. */
  list(): Benchmark[] {
    return this.db.prepare<[], BenchmarkRow>('SELECT * FROM benchmarks ORDER BY created_at DESC, id').all().map((row) => recordFrom(row).benchmark);
  }

  get(id: string): BenchmarkRecord | undefined {
    const row = this.db.prepare<[string], BenchmarkRow>('SELECT * FROM benchmarks WHERE id = ?').get(id);
    return row ? recordFrom(row) : undefined;
  }

  /** The newest finished benchmark's best thread count, or null. */
  latestBestThreads(): number | null {
    const row = this.db
      .prepare<[], { best_threads: number }>(
        "SELECT best_threads FROM benchmarks WHERE state = 'done' AND best_threads IS NOT NULL ORDER BY created_at DESC LIMIT 1",
      )
      .get();
    return row?.best_threads ?? null;
  }

  /** Benchmarks a crash or a quit left 'running' become 'failed'; answers how many. */
  failRunning(error: string): number {
    const rows = this.db.prepare<[], BenchmarkRow>("SELECT * FROM benchmarks WHERE state = 'running'").all();
    for (const row of rows) {
      const record = recordFrom(row);
      this.save({ ...record.benchmark, state: 'failed', error }, record.machine);
    }
    return rows.length;
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM benchmarks WHERE id = ?').run(id);
  }
}

function recordFrom(row: BenchmarkRow): BenchmarkRecord {
  const { machine, ...rest } = JSON.parse(row.data) as Benchmark & { machine?: BenchmarkMachine | null };
  return {
    benchmark: {
      ...rest,
      // Benchmarks from before Tern measured energy have none.
      energySource: rest.energySource ?? null,
      rows: rest.rows.map((r) => ({ ...r, joulesPerToken: r.joulesPerToken ?? null })),
      id: row.id,
      createdAt: row.created_at,
      state: row.state,
      modelId: row.model_id,
      bestThreads: row.best_threads,
    },
    machine: machine ?? null,
  };
}

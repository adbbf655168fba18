/**
 * The app's settings, kept in the store's settings table under one key and always answered whole:
 * what is missing or no longer valid takes its default.
 */
import { type AppSettings, DEFAULT_SETTINGS, type SettingsChanges } from '../common/contract';
import { AppSettings as AppSettingsSchema } from '../common/contract';
import type { EventBus } from './dispatcher';
import type { JsonObject } from './store';
import type { SettingsRepository } from './store';

const KEY = 'app';

/** What tuning changes in the settings: its own fields, the context, and the reply length. */
export type TuningSettingsChanges = Partial<Pick<AppSettings, 'threads' | 'promptBatch' | 'headType' | 'scenario' | 'contextTokens'>> & {
  maxTokens?: number;
};
const DEFAULT_MODEL_KEY = 'defaultModelId';
const MODELS_FOLDER_KEY = 'modelsFolder';
const LINKED_MODELS_KEY = 'linkedModels';
const AUTO_UPDATE_CHECK_KEY = 'autoUpdateCheck';

export class SettingsService {
  private readonly listeners = new Set<(settings: AppSettings) => void>();

  constructor(
    private readonly repository: SettingsRepository,
    private readonly events?: EventBus,
  ) {}

  get(): AppSettings {
    const stored = this.repository.get(KEY);
    const merged = mergeSettings(DEFAULT_SETTINGS, isObject(stored) ? (stored as Partial<AppSettings>) : {});
    const parsed = AppSettingsSchema.safeParse(merged);
    return parsed.success ? parsed.data : structuredClone(DEFAULT_SETTINGS);
  }

  update(changes: SettingsChanges): AppSettings {
    const next = AppSettingsSchema.parse(mergeSettings(this.get(), changes));
    this.repository.set(KEY, next as unknown as JsonObject);
    this.changed(next);
    return next;
  }

  /**
   * Changes the tuning settings (which updateSettings does not take: threads, the prompt
   * micro-batch, the head, the scenario) and the context and reply length, in one change.
   */
  updateTuning(changes: TuningSettingsChanges): AppSettings {
    const current = this.get();
    const { maxTokens, ...rest } = changes;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    const sampling = maxTokens === undefined ? current.sampling : { ...current.sampling, maxTokens };
    const next = AppSettingsSchema.parse({ ...current, ...defined, sampling });
    this.repository.set(KEY, next as unknown as JsonObject);
    this.changed(next);
    return next;
  }

  reset(): AppSettings {
    this.repository.delete(KEY);
    const settings = this.get();
    this.changed(settings);
    return settings;
  }

  /** The model new conversations start with (the last one chosen). */
  defaultModelId(): string | null {
    const value = this.repository.get(DEFAULT_MODEL_KEY);
    return typeof value === 'string' ? value : null;
  }

  setDefaultModelId(id: string): void {
    this.repository.set(DEFAULT_MODEL_KEY, id);
  }

  /** The models folder the user moved to; null: <dataDir>/models. */
  modelsFolder(): string | null {
    const value = this.repository.get(MODELS_FOLDER_KEY);
    return typeof value === 'string' ? value : null;
  }

  setModelsFolder(path: string | null): void {
    if (path === null) this.repository.delete(MODELS_FOLDER_KEY);
    else this.repository.set(MODELS_FOLDER_KEY, path);
  }

  /** Model files imported by link: listed where they are. */
  linkedModels(): string[] {
    const value = this.repository.get(LINKED_MODELS_KEY);
    return Array.isArray(value) ? value.filter((path): path is string => typeof path === 'string') : [];
  }

  setLinkedModels(paths: string[]): void {
    this.repository.set(LINKED_MODELS_KEY, paths);
  }

  /** Whether the desktop app looks for updates by itself (once after start, then daily); off unless switched on. */
  autoUpdateCheck(): boolean {
    return this.repository.get(AUTO_UPDATE_CHECK_KEY) === true;
  }

  setAutoUpdateCheck(on: boolean): void {
    this.repository.set(AUTO_UPDATE_CHECK_KEY, on);
  }

  onChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(settings: AppSettings): void {
    this.events?.emit('settingsChanged', settings);
    for (const listener of this.listeners) listener(settings);
  }
}

function mergeSettings(base: AppSettings, changes: Partial<AppSettings> | SettingsChanges): AppSettings {
  const sampling = isObject(changes.sampling) ? { ...base.sampling, ...changes.sampling } : base.sampling;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return { ...base, ...defined, sampling };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

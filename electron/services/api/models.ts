/**
 * The models the API offers and how they are made ready: each runnable model of the library,
 * named by its file name (without .gguf) and also by its sha256; one that is not loaded is loaded
 * the way a chat reply loads it (its tuning profile, the fit check, tuning's load), so the UI sees
 * the engine's status change by itself.
 */
import type { ModelFile } from '../../common/contract';
import { contextFor } from '../chat/service';
import type { EngineHost, LoadedModel } from '../engine-host/types';
import type { ModelLibrary } from '../models/library';
import type { SettingsService } from '../settings';

export interface ApiTuning {
  useModel(model: ModelFile): void;
  load(model: ModelFile): Promise<LoadedModel>;
  threads(): number;
}

export interface ApiModelsDeps {
  engine: EngineHost;
  library: ModelLibrary;
  settings: SettingsService;
  tuning: ApiTuning;
  beforeLoad?: (model: ModelFile, nCtx: number) => Promise<void>;
  log: (message: string) => void;
}

export interface ApiModel {
  /** The id clients use: the file name without .gguf (the sha256 when two files share a name). */
  id: string;
  model: ModelFile;
}

export class ApiModels {
  /** Loads one after another: two requests for two models do not load both at once. */
  private loading: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ApiModelsDeps) {}

  list(): ApiModel[] {
    const seen = new Set<string>();
    return this.deps.library.runnable().map((model) => {
      const name = model.fileName.replace(/\.gguf$/i, '');
      const id = seen.has(name) ? model.id : name;
      seen.add(id);
      return { id, model };
    });
  }

  /** The model an id names (its API id, its file name or its sha256), or null. */
  find(id: string): ApiModel | null {
    const models = this.list();
    return models.find((m) => m.id === id) ?? models.find((m) => m.model.fileName === id || m.model.id === id) ?? null;
  }

  /**
   * The model an id names, waiting for a scan in progress when it is not listed yet: a model the
   * library is still hashing or inspecting (at startup, or just added) is found, not refused.
   */
  async lookup(id: string): Promise<ApiModel | null> {
    const now = this.find(id);
    if (now) return now;
    await this.deps.library.settled();
    return this.find(id);
  }

  /** Every model, once a scan in progress has ended. */
  async settledList(): Promise<ApiModel[]> {
    await this.deps.library.settled();
    return this.list();
  }

  /** The API id of the model loaded now, or null. */
  loadedId(): string | null {
    const key = this.deps.engine.loaded()?.modelKey;
    if (!key) return null;
    return this.list().find((m) => m.model.id === key)?.id ?? key;
  }

  /** The model, loaded (at once when it already is with the context it would get). */
  ready(model: ModelFile): Promise<LoadedModel> {
    const run = this.loading.then(
      () => this.load(model),
      () => this.load(model),
    );
    this.loading = run.catch(() => undefined);
    return run;
  }

  private async load(model: ModelFile): Promise<LoadedModel> {
    const { engine, tuning, settings, beforeLoad } = this.deps;
    try {
      tuning.useModel(model);
    } catch (error) {
      this.deps.log(`api: ${model.fileName}'s own tuning profile was not applied: ${error instanceof Error ? error.message : String(error)}`);
    }
    const nCtx = contextFor(model, settings.get());
    const current = engine.loaded();
    if (beforeLoad && (current?.modelKey !== model.id || current.nCtx !== nCtx)) await beforeLoad(model, nCtx);
    return tuning.load(model);
  }
}

/** A fake engine host and model library for the tuning service's tests. */
import type { ModelFile } from '../../../electron/common/contract';
import type {
  BenchmarkRun,
  BenchmarkSample,
  BenchmarkSweep,
  EngineHost,
  EngineHostStatus,
  EngineUsage,
  GenerateRequest,
  LoadRequest,
  LoadedModel,
} from '../../../electron/services/engine-host/types';
import type { GenerateResult, ModelDescription } from '../../../electron/services/native';

export function fakeModel(id: string, over: Partial<ModelFile> = {}): ModelFile {
  return {
    id,
    path: `/models/${id}.gguf`,
    fileName: `${id}.gguf`,
    name: `Model ${id}`,
    sizeBytes: 1_000_000,
    arch: 'bitnet-b1.58',
    weightType: 'I2_S',
    parameters: 2e9,
    contextLength: 4096,
    source: 'folder',
    problem: null,
    origin: null,
    verified: null,
    kernels: { decode: 'avx2', prefill: 'avx2' },
    lastUsedAt: null,
    ...over,
  };
}

export function fakeLibrary(models: ModelFile[]) {
  return {
    get: (id: string) => models.find((m) => m.id === id),
    runnable: () => models.filter((m) => m.problem === null),
    requireRunnable: (id: string) => {
      const model = models.find((m) => m.id === id);
      if (!model) throw new Error(`no model ${id}`);
      return model;
    },
  };
}

/** The decode rate a fake sample reports for a thread count (best at 4). */
export function fakeRate(threads: number): number {
  return 10 + Math.min(threads, 4) * 5 - Math.max(0, threads - 4);
}

export class FakeEngine implements EngineHost {
  current: LoadedModel | null = null;
  readonly loads: LoadRequest[] = [];
  readonly generates: GenerateRequest[] = [];
  sweeps: BenchmarkSweep[] = [];
  /** Called before each sample; a test can pause the sweep here. */
  beforeSample: (index: number) => Promise<void> = async () => {};
  failAt: number | null = null;
  /** What usage() answers; a test may change it (between samples, say). */
  usageNow: EngineUsage = { pid: 1, cpuMs: 0, rssBytes: 100_000_000, baseRssBytes: 50_000_000, modelBytes: null, energy: null };
  private readonly statusListeners = new Set<(status: EngineHostStatus) => void>();

  status(): EngineHostStatus {
    return { state: this.current ? 'ready' : 'idle', modelKey: this.current?.modelKey ?? null, progress: null, error: null, pending: 0 };
  }
  loaded(): LoadedModel | null {
    return this.current;
  }
  async inspect(): Promise<ModelDescription> {
    throw new Error('not in this fake');
  }
  async load(request: LoadRequest): Promise<LoadedModel> {
    this.loads.push(request);
    this.current = {
      modelKey: request.modelKey,
      path: request.path,
      nCtx: request.nCtx,
      description: {
        name: 'Fake',
        memory: { nCtx: request.nCtx, weights: 500_000_000, kvCache: request.nCtx * 10_000, scratch: 1_000_000, total: 501_000_000 + request.nCtx * 10_000 },
        kernels: { decode: 'avx2-decode', prefill: 'avx2-prefill' },
        hparams: { nCtxTrain: 4096 },
      } as unknown as ModelDescription,
      tokenizer: {} as LoadedModel['tokenizer'],
      specialTokens: [],
    };
    for (const listener of this.statusListeners) listener(this.status());
    return this.current;
  }
  async unload(): Promise<void> {
    this.current = null;
    for (const listener of this.statusListeners) listener(this.status());
  }
  async tokenize(): Promise<number[]> {
    return [];
  }
  async detokenize(): Promise<string> {
    return '';
  }
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.generates.push(request);
    throw new Error('not in this fake');
  }
  async benchmark(sweep: BenchmarkSweep, run: BenchmarkRun = {}): Promise<BenchmarkSample[]> {
    if (!this.current) throw new Error('no model loaded');
    this.sweeps.push(sweep);
    run.onStart?.();
    const samples: BenchmarkSample[] = [];
    const total = sweep.threads.length * sweep.repetitions * sweep.promptLengths.length;
    for (const threads of sweep.threads) {
      for (let repetition = 1; repetition <= sweep.repetitions; repetition++) {
        for (const promptTokens of sweep.promptLengths) {
          if (run.signal?.aborted) return samples;
          await this.beforeSample(samples.length);
          if (this.failAt === samples.length) throw new Error('the engine process stopped');
          const decode = fakeRate(threads) + repetition * 0.1;
          const sample: BenchmarkSample = {
            threads,
            repetition,
            promptTokens,
            ttftMs: promptTokens / threads,
            prefillTokensPerSecond: decode * 20,
            decodeTokensPerSecond: decode,
          };
          samples.push(sample);
          run.onSample?.(sample, samples.length, total);
        }
      }
    }
    return samples;
  }
  async usage(): Promise<EngineUsage> {
    return { ...this.usageNow };
  }
  setIdleUnload(): void {}
  onStatus(listener: (status: EngineHostStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
  onCrash(): () => void {
    return () => {};
  }
  async close(): Promise<void> {}
}

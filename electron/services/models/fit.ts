/**
 * Will a model run here? The engine's own memory estimate (repacked weights, the KV cache at the
 * context the app would use, scratch) against this machine's memory, and before a download the
 * file against free disk. Before a download the estimate comes from the file's header alone,
 * fetched with a Range request (the engine reads a header prefix the same way as a whole file);
 * before a load, from the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type AppSettings, type DownloadSource, type Fit, type KernelPaths, TernError } from '../../common/contract';
import type { DownloadService } from '../downloads/service';
import type { EngineHost } from '../engine-host/types';
import type { ModelDescription } from '../native';
import type { SettingsService } from '../settings';
import { fromDescription } from './describe';
import type { ModelLibrary } from './library';

/** What the OS and the app itself keep for themselves. */
const RESERVED_MEMORY = 1024 ** 3;
/** Room left on the disk beyond the file. */
const DISK_MARGIN = 64 * 1024 ** 2;
/** The first read of a header, and the most ever read for one (a big vocabulary makes big headers). */
const FIRST_HEADER_BYTES = 4 * 1024 ** 2;
const MAX_HEADER_BYTES = 256 * 1024 ** 2;

export interface Machine {
  availableMemoryBytes: number;
  totalMemoryBytes: number;
}

export interface FitInput {
  memoryBytes: number;
  contextTokens: number;
  kernels: KernelPaths | null;
  /** Before a download: the file's size and the free disk it would go on. */
  fileBytes?: number | null;
  freeDiskBytes?: number | null;
}

export function thisMachine(): Machine {
  return { availableMemoryBytes: freemem(), totalMemoryBytes: totalmem() };
}

/** The verdict and its one-line label, from the numbers. */
export function assessFit(input: FitInput, machine: Machine = thisMachine()): Fit {
  const { memoryBytes } = input;
  const { availableMemoryBytes: available, totalMemoryBytes: total } = machine;
  const fileBytes = input.fileBytes ?? null;
  const freeDiskBytes = input.freeDiskBytes ?? null;
  const problems: string[] = [];
  let verdict: Fit['verdict'] = 'fits';

  if (memoryBytes > total - RESERVED_MEMORY) {
    verdict = 'too-large';
    problems.push(`it needs about ${size(memoryBytes)} of memory and this computer has ${size(total)} in all`);
  } else if (memoryBytes > available * 0.9) {
    verdict = 'tight';
    problems.push(`it needs about ${size(memoryBytes)} of memory and ${size(available)} is free now: close other programs first, or choose a smaller context`);
  }
  if (fileBytes !== null && freeDiskBytes !== null && fileBytes + DISK_MARGIN > freeDiskBytes) {
    verdict = 'too-large';
    problems.push(`the file is ${size(fileBytes)} and the disk has ${size(freeDiskBytes)} free`);
  }

  const label =
    verdict === 'fits'
      ? `Fits: needs about ${size(memoryBytes)} of memory, ${size(available)} free`
      : verdict === 'tight'
        ? `Tight: needs about ${size(memoryBytes)} of memory, ${size(available)} free now`
        : problems.length > 0 && memoryBytes <= total - RESERVED_MEMORY
          ? `Too large for the disk: ${size(fileBytes ?? 0)} file, ${size(freeDiskBytes ?? 0)} free`
          : `Too large: needs about ${size(memoryBytes)} of memory, this computer has ${size(total)}`;
  return {
    verdict,
    label,
    problems,
    memoryBytes,
    contextTokens: input.contextTokens,
    availableMemoryBytes: available,
    totalMemoryBytes: total,
    fileBytes,
    freeDiskBytes,
    kernels: input.kernels,
  };
}

export interface FitDeps {
  library: ModelLibrary;
  downloads: DownloadService;
  engine: Pick<EngineHost, 'inspect'>;
  settings: SettingsService;
  machine?: () => Machine;
  /** The first read of a header (tests make it small, to see the engine ask for more). */
  firstHeaderBytes?: number;
  /** The local API is on: its own KV slot adds a second KV cache and scratch once it is used. */
  apiSlot?: () => boolean;
}

/** What a model needs by the engine's estimate, with the local API's own slot when the API is on. */
function neededBytes(deps: FitDeps, memory: ModelDescription['memory']): number {
  return memory.total + (deps.apiSlot?.() ? memory.kvCache + memory.scratch : 0);
}

/** The context the app would load a model with: the setting, capped at the model's own. */
export function loadContext(trainContext: number, settings: AppSettings): number {
  return Math.min(trainContext || settings.contextTokens, settings.contextTokens);
}

/** Before a load: the engine's estimate from the file. */
export async function checkModelFit(deps: FitDeps, modelId: string): Promise<Fit> {
  const model = deps.library.requireRunnable(modelId);
  const nCtx = loadContext(model.contextLength ?? 0, deps.settings.get());
  const description = await deps.engine.inspect(model.path, { nCtx });
  return assessFit({ memoryBytes: neededBytes(deps, description.memory), contextTokens: nCtx, kernels: description.kernels ?? null }, (deps.machine ?? thisMachine)());
}

/** Before a download: the header fetched with Range, the engine's estimate from it, and the disk. */
export async function checkDownloadFit(deps: FitDeps, source: DownloadSource): Promise<Fit> {
  const description = await inspectRemoteHeader(deps, source);
  const inspection = fromDescription(description);
  if (!inspection.ok) throw new TernError('UNAVAILABLE', `Tern cannot run this file: ${inspection.problem}`);
  const settings = deps.settings.get();
  const nCtx = loadContext(description.hparams.nCtxTrain, settings);
  const free = await deps.downloads.freeBytes(deps.library.folder);
  return assessFit(
    {
      memoryBytes: neededBytes(deps, description.memory),
      contextTokens: nCtx,
      kernels: description.kernels ?? null,
      fileBytes: description.fileBytes,
      freeDiskBytes: free,
    },
    (deps.machine ?? thisMachine)(),
  );
}

async function inspectRemoteHeader(deps: FitDeps, source: DownloadSource): Promise<ModelDescription> {
  const dir = mkdtempSync(join(tmpdir(), 'tern-header-'));
  const path = join(dir, 'header.gguf');
  try {
    let bytes = deps.firstHeaderBytes ?? FIRST_HEADER_BYTES;
    for (;;) {
      await deps.downloads.fetchStart(source, path, bytes);
      try {
        const first = await deps.engine.inspect(path, { header: true });
        const nCtx = loadContext(first.hparams.nCtxTrain, deps.settings.get());
        return nCtx === first.memory.nCtx ? first : await deps.engine.inspect(path, { header: true, nCtx });
      } catch (error) {
        const need = needBytes(error);
        if (need === null || bytes >= MAX_HEADER_BYTES) throw asUnavailable(error);
        bytes = Math.min(MAX_HEADER_BYTES, Math.max(need, bytes * 2));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many bytes the engine says a header needs, when that is why it could not read it. */
function needBytes(error: unknown): number | null {
  const e = error as { code?: unknown; needBytes?: unknown; message?: unknown } | null;
  if (e?.code !== 'NEED_MORE_BYTES') return null;
  return typeof e.needBytes === 'number' && e.needBytes > 0 ? e.needBytes : 0;
}

function asUnavailable(error: unknown): TernError {
  if (error instanceof TernError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TernError('UNAVAILABLE', `Tern cannot read this file's header: ${message.replace(/^\w/, (c) => c.toLowerCase())}`);
}

function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

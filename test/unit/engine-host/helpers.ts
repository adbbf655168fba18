/**
 * Shared bits of the engine host tests: where the built worker and the fixture models are, a
 * host whose processes the test can see, and waiting for a process to be gone.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type EngineProcess, createEngineHost, forkLauncher } from '../../../electron/services/engine-host/host';
import type { EngineHost } from '../../../electron/services/engine-host/types';
import { loadAddon } from '../../../electron/services/native';

export const root = resolve(__dirname, '../../..');
export const workerPath = join(root, 'out/main/engine-worker.js');
export const built = existsSync(workerPath) && existsSync(join(root, 'build/native/Release/tern.node'));

const modelDir = join(root, 'test/fixtures/models');
/** The fixture models, in name order (read from the folder, never hard-coded). */
export const models: string[] = existsSync(modelDir)
  ? readdirSync(modelDir)
      .filter((f) => f.endsWith('.gguf'))
      .sort()
      .map((f) => join(modelDir, f))
  : [];

export interface TrackedHost {
  host: EngineHost;
  /** Every process the host launched, in order. */
  procs: EngineProcess[];
  logs: string[];
}

export function trackedHost(): TrackedHost {
  const procs: EngineProcess[] = [];
  const logs: string[] = [];
  const launch = forkLauncher(workerPath);
  const host = createEngineHost({
    launch: () => {
      const proc = launch();
      procs.push(proc);
      return proc;
    },
    log: (m) => logs.push(m),
    restartDelayMs: 50,
  });
  return { host, procs, logs };
}

/** Whether a process runs (a zombie counts as gone: nobody may reap orphans in a container). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Polls until `check` holds, or throws after `limitMs` (a safety net, not a timing assertion). */
export async function waitFor(check: () => boolean, limitMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Makes the chat tests' model with synth: the 2B4T architecture with random weights and the Llama 3
 * vocabulary of the tokenizer fixture. With its ~128k tokens an early end of turn is all but
 * impossible, so a reply runs long enough to be stopped or to have its engine killed under it.
 * `shape` overrides the (tiny) default sizes.
 */
export async function synthChatModel(
  path: string,
  shape: Partial<{ nEmbd: number; nLayer: number; nHead: number; nHeadKv: number; nFf: number; seed: number }> = {},
): Promise<void> {
  const tokenizerDir = join(root, 'test/fixtures/tokenizer');
  const vocabFrom = join(tokenizerDir, readdirSync(tokenizerDir).find((f) => f.endsWith('.gguf'))!);
  const addon = loadAddon();
  await addon.synth(path, {
    arch: 'bitnet-b1.58',
    format: 'I2_S',
    nEmbd: 128,
    nLayer: 2,
    nHead: 2,
    nHeadKv: 1,
    nFf: 256,
    nVocab: (await addon.inspect(vocabFrom)).hparams.nVocab,
    nCtx: 4096,
    ropeTheta: 500000,
    seed: 5,
    vocabFrom,
    ...shape,
  });
}

/**
 * The engine process of the desktop app: the worker (out/main/engine-worker.js) in an Electron
 * utilityProcess, behind the same EngineProcess the headless host gets from child_process.fork.
 * Written against the narrow UtilityLike below so it is tested with a fake.
 */
import type { EngineProcess } from '../services/engine-host/host';
import type { HostRequest } from '../services/engine-host/protocol';

/** The part of Electron's UtilityProcess used here. */
export interface UtilityLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type ForkUtility = (modulePath: string, args: string[], options: { serviceName: string; stdio: 'inherit' }) => UtilityLike;

export function utilityLauncher(fork: ForkUtility, workerPath: string): () => EngineProcess {
  return () => {
    const child = fork(workerPath, [], { serviceName: 'Tern engine', stdio: 'inherit' });
    let exited = false;
    const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
    // utilityProcess reports an exit code only (a crash gives a non-zero one, no signal).
    child.on('exit', (code) => {
      exited = true;
      for (const listener of exitListeners) listener(code, null);
    });
    return {
      get pid() {
        return child.pid;
      },
      send(message: HostRequest) {
        if (!exited) child.postMessage(message);
      },
      onMessage(listener) {
        child.on('message', (message) => listener(message));
      },
      onExit(listener) {
        exitListeners.push(listener);
      },
      kill() {
        if (!exited) child.kill();
      },
    };
  };
}

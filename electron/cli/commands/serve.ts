/**
 * `tern serve`: the headless host. The same services as the desktop app, the built renderer over
 * HTTP and the contract over WebSocket, on 127.0.0.1 unless told otherwise. Prints exactly one
 * line to stdout, the URL to open (with the connection token); everything else goes to stderr.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_API_PORT } from '../../common/contract';
import { CliError, type Command, intOption, parse } from '../args';
import { findRendererDir } from '../../host/renderer-dir';
import { DEFAULT_HOST, DEFAULT_PORT, type RunningHost, isRemoteBind, startHost } from '../../host/server';
import { readToken, saveToken } from '../../host/token';
import { defaultDataDir } from '../../services/data-dir';
import { createDispatcher } from '../../services/dispatcher';
import { DataDirLockedError, processIsAlive } from '../../services/lock';
import { type Services, openServices } from '../../services/services';

const help = `usage: tern serve [--port N] [--host ADDRESS] [--data-dir DIR] [--model FILE]... [--allow-remote] [--new-token]
                  [--api [--api-port N]]

Serves Tern's UI and API over HTTP and WebSocket, for a browser on this machine.
Prints one line to stdout: "Tern is serving on http://HOST:PORT/?token=TOKEN". Open that URL;
the token in it is required to connect. It is kept in the data folder, so pages opened before a
restart reconnect by themselves; --new-token makes a new one (old pages are locked out). Nothing
is written to the data folder unless the host starts serving.

Stops on Ctrl+C, SIGTERM or SIGHUP. Started by \`npm run serve\`, it also stops when npm does.

options:
  --port N         the port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDRESS   the address to bind (default ${DEFAULT_HOST})
  --data-dir DIR   the data folder (default: the desktop app's, ${defaultDataDir()})
  --model FILE     offer a model file from outside the data folder's models/ (repeatable);
                   models/ in the data folder is always scanned for .gguf files
  --allow-remote   allow binding an address other machines can reach (prints a warning)
  --new-token      replace the saved connection token with a new one
  --api            also serve the local OpenAI-compatible API for this run (the setting in
                   Settings is not changed); it listens on 127.0.0.1 only, needs the key shown
                   in Settings (the api-key file in the data folder), and its address is printed
                   on stderr. Without --api, the Local API setting decides.
  --api-port N     the local API's port for this run (default ${DEFAULT_API_PORT}; 0 picks a free one)`;

function log(message: string): void {
  process.stderr.write(`tern serve: ${message}\n`);
}

function writeStdout(line: string): Promise<void> {
  return new Promise((done) => process.stdout.write(`${line}\n`, () => done()));
}

async function start(host: string, port: number, rendererDir: string, allowRemote: boolean, token: string): Promise<RunningHost> {
  try {
    return await startHost({ host, port, rendererDir, allowRemote, token, log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is already in use; choose another with --port (0 picks a free one)`, 1);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`cannot bind ${host}: no such address on this machine`, 1);
    if (code === 'EACCES') throw new CliError(`not allowed to bind ${host}:${port}`, 1);
    throw error;
  }
}

/**
 * Stops on SIGINT/SIGTERM/SIGHUP, and when run by an npm script on npm going away: no new
 * connections, sockets closed, services closed, exit 0.
 */
function stopWhenAsked(running: RunningHost, services: Services): void {
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) {
      log(`${reason} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log(`${reason}: shutting down`);
    const force = setTimeout(() => {
      log('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    running
      .close()
      .catch((error: unknown) => log(`closing the server: ${error instanceof Error ? error.message : String(error)}`))
      .then(() => closeServices(services))
      .then((closed) => {
        clearTimeout(force);
        process.exit(closed ? 0 : 1);
      });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  whenNpmGoes(() => stop('npm, which started this host, has exited'));
}

/**
 * \`npm run serve\` runs this host under a shell under npm. Stopping npm by its pid (kill PID)
 * ends npm and its shell but not this process, which would keep serving with no one to stop it:
 * under an npm script (npm sets npm_lifecycle_event), the host polls its parent, and a change of
 * parent (the shell gone, this process handed to init) means npm has gone. Not done otherwise, so
 * that \`nohup tern serve &\` still outlives its shell.
 */
function whenNpmGoes(then: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    // Windows does not hand orphans to another parent: see whether the parent still runs instead.
    const gone = process.ppid !== parent || (process.platform === 'win32' && !processIsAlive(parent));
    if (!gone) return;
    clearInterval(timer);
    then();
  }, 250);
  timer.unref();
}

/** Stops replies (kept as interrupted), the engine process and the store; false if that failed. */
async function closeServices(services: Services): Promise<boolean> {
  try {
    await services.close();
    return true;
  } catch (error) {
    log(`closing the data folder: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/**
 * Says on stderr why the local API does not listen (a port in use, say: the UI is served all the
 * same). Where it listens the API service's own log line says ("local API on URL"); nothing when
 * the API is off.
 */
async function reportApi(services: Services): Promise<void> {
  await services.apiStarted;
  const status = services.api.status();
  if (!status.on || status.listening) return;
  log(`local API not serving: ${(status.error ?? 'it could not start').replace(/\.$/, '')} (the UI is served all the same)`);
}

/** The --model files, resolved; a missing one is an error now rather than a silent absence later. */
function modelFiles(given: string[]): string[] {
  return given.map((file) => {
    const path = resolve(file);
    if (!existsSync(path)) throw new CliError(`--model ${file}: no such file`);
    return path;
  });
}

export const serve: Command = {
  summary: 'serve the app in a browser (headless host)',
  help,
  async run(argv) {
    const { values, flag } = parse(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'allow-remote': { type: 'boolean' },
      'new-token': { type: 'boolean' },
      model: { type: 'string', multiple: true },
      api: { type: 'boolean' },
      'api-port': { type: 'string' },
    });
    const port = intOption(values.port, flag('port'), DEFAULT_PORT, 0, 65535);
    const api = values.api === true;
    if (values['api-port'] !== undefined && !api) throw new CliError('--api-port goes with --api');
    const apiPort = intOption(values['api-port'], flag('api-port'), DEFAULT_API_PORT, 0, 65535);
    const host = values.host ?? DEFAULT_HOST;
    const allowRemote = values['allow-remote'] === true;
    if (host.length === 0) throw new CliError('--host must not be empty');
    if (isRemoteBind(host)) {
      if (!allowRemote) {
        throw new CliError(`${host} can be reached from other machines; pass --allow-remote to bind it anyway`);
      }
      log(`WARNING: binding ${host}: anyone who can reach this machine and has the token can use Tern and its data`);
    }
    const rendererDir = findRendererDir();
    if (!rendererDir) throw new CliError('the app is not built (out/renderer/index.html is missing): run `npm run build` first', 1);
    const dataDir = resolve(values['data-dir'] ?? defaultDataDir());

    // Read now, written only once this host serves and owns the data folder: a host refused for
    // its port or for a folder in use by another host must not change the token that one serves.
    const { token, unsaved } = readToken(dataDir, values['new-token'] === true);
    const running = await start(host, port, rendererDir, allowRemote, token);
    let services: Services;
    try {
      services = openServices({
        dataDir,
        host: 'headless',
        owner: `tern serve on ${running.pageUrl.replace(/\/\?.*$/, '')}`,
        modelFiles: modelFiles(values.model ?? []),
        ...(api ? { api: { on: true, port: apiPort } } : {}),
        log,
      });
    } catch (error) {
      await running.close();
      if (error instanceof DataDirLockedError) throw new CliError(error.message, 1);
      throw error;
    }
    if (unsaved) {
      try {
        saveToken(dataDir, token);
      } catch (error) {
        log(`cannot save the connection token (pages will need the new URL after a restart): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    running.attach({ dispatch: createDispatcher(services.handlers, log), events: services.events });
    stopWhenAsked(running, services);

    await writeStdout(`Tern is serving on ${running.pageUrl}`);
    log(`data folder: ${dataDir}`);
    log(`models folder: ${services.library.folder}`);
    log(`UI from ${rendererDir}`);
    log('press Ctrl+C to stop');
    await reportApi(services);
    return undefined;
  },
};

/**
 * `tern pull SOURCE`: downloads a model into the data folder's models folder with the same
 * download service as the app (resumed from the partial file, retried, sha256-checked, inspected by
 * the engine). Progress and messages go to stderr; on success exactly one line goes to stdout, the
 * path of the model file.
 */
import { join, resolve } from 'node:path';
import { type Download, TernError } from '../../common/contract';
import { defaultDataDir } from '../../services/data-dir';
import { describeSource } from '../../services/downloads/service';
import { DataDirLockedError } from '../../services/lock';
import { type Services, openServices } from '../../services/services';
import { CliError, type Command, parse } from '../args';
import { ProgressPrinter, formatBytes } from '../progress';

const help = `usage: tern pull SOURCE [--file FILE] [--revision REV] [--sha256 HEX] [--data-dir DIR] [--verbose]

Downloads a model into the models folder of the data folder, as the app's Downloads do: from
the Hugging Face hub (HF_ENDPOINT names another hub; HF_TOKEN is the token for gated or private
repos) or from a direct https URL. The download is checked against the hub's sha256 (or --sha256)
and the engine must be able to run the file before it is kept; a file that fails is set aside as
NAME.rejected in the models folder.

Progress goes to stderr (a bar on a terminal, a line per 10% when piped). On success, prints one
line to stdout: the path of the model file. Ctrl+C pauses the download (exit 130); the same
command run again resumes it from the bytes already on disk, as does one run after a crash.

SOURCE is one of:
  owner/repo/path/file.gguf                      a file of a hub repo
  owner/repo                                     with --file, or when the repo has one .gguf file
  https://huggingface.co/owner/repo/resolve/main/file.gguf  (or /blob/; also on HF_ENDPOINT)
  https://example.com/file.gguf                  a direct download: unverified without --sha256

options:
  --file FILE      the file in the repo, when SOURCE is owner/repo
  --revision REV   a branch, tag or commit of the repo (default main)
  --sha256 HEX     the sha256 the file must have (for a direct URL; a hub file has the hub's)
  --data-dir DIR   the data folder (default: the desktop app's, ${defaultDataDir()});
                   it must not be in use by the app or \`tern serve\`: add the download there
  --verbose        also print the download service's log lines`;

const SHA256 = /^[0-9a-fA-F]{64}$/;

/** The exit code for a download stopped by a signal: 128 + its number, as shells report it. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function writeStdout(line: string): Promise<void> {
  return new Promise((done) => process.stdout.write(`${line}\n`, () => done()));
}

function open(dataDir: string, log: (message: string) => void): Services {
  try {
    return openServices({ dataDir, host: 'headless', owner: 'tern pull', resumeDownloads: false, scanModels: false, log });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      const who = error.owner ? `${error.owner.description} (pid ${error.owner.pid} on ${error.owner.hostname})` : 'another process';
      const fix = error.owner
        ? 'add the download in the app instead, or stop it first'
        : 'if no Tern is running, delete its tern.lock; or add the download in the app';
      throw new CliError(`the data folder ${dataDir} is in use by ${who}: ${fix}`, 1);
    }
    throw error;
  }
}

/** What the user is told once the file is in place: verified or not, and by what. */
function verdict(download: Download): string {
  if (download.verified) {
    const by = download.source.kind === 'hub' ? "the hub's" : 'the one given with --sha256';
    return `verified: its sha256 matches ${by} (${download.expectedSha256})`;
  }
  return 'unverified: a direct URL has no sha256 to check against; pass --sha256 HEX to check it';
}

export const pull: Command = {
  summary: 'download a model from the Hugging Face hub or a URL into the models folder',
  help,
  async run(argv) {
    const { values, positionals, flag } = parse(
      argv,
      {
        file: { type: 'string' },
        revision: { type: 'string' },
        sha256: { type: 'string' },
        'data-dir': { type: 'string' },
        verbose: { type: 'boolean' },
      },
      true,
    );
    if (positionals.length !== 1) {
      throw new CliError(positionals.length === 0 ? 'SOURCE is required: owner/repo/file.gguf, owner/repo --file FILE, or a URL' : 'takes exactly one SOURCE');
    }
    const source = (positionals[0] as string).trim();
    if (source === '') throw new CliError('SOURCE must not be empty');
    for (const name of ['file', 'revision'] as const) {
      if (values[name] !== undefined && values[name].trim() === '') throw new CliError(`${flag(name)} must not be empty`);
    }
    const sha256 = values.sha256?.trim();
    if (sha256 !== undefined && !SHA256.test(sha256)) throw new CliError(`${flag('sha256')} must be 64 hex digits, got '${values.sha256}'`);
    const dataDir = resolve(values['data-dir'] ?? defaultDataDir());

    const progress = new ProgressPrinter(process.stderr);
    const say = (message: string): void => progress.message(`tern pull: ${message}`);
    const services = open(dataDir, values.verbose ? (message) => say(message) : () => {});
    const { downloads } = services;

    // Ctrl+C (or SIGTERM, SIGHUP) pauses the download: the partial file stays for the next run.
    let stopSignal: string | null = null;
    let id: string | null = null;
    const pause = (): void => {
      if (id === null) return;
      try {
        downloads.pause(id);
      } catch {
        // It finished meanwhile: nothing to pause.
      }
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopSignal !== null) {
        progress.message(`tern pull: ${signal} again: exiting without waiting`);
        process.exit(SIGNAL_EXIT[signal] ?? 1);
      }
      stopSignal = signal;
      progress.message('tern pull: pausing…');
      pause();
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const signal of signals) process.on(signal, onSignal);
    const unlisten: (() => void)[] = [() => signals.forEach((signal) => process.off(signal, onSignal))];

    let outcome: { code: number; path?: string } | CliError;
    try {
      outcome = await pullOne();
    } catch (error) {
      if (error instanceof CliError) outcome = error;
      else throw error;
    } finally {
      for (const undo of unlisten) undo();
      progress.end();
      try {
        await services.close();
      } catch (error) {
        say(`closing the data folder: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (outcome instanceof CliError) throw outcome;
    if (outcome.path !== undefined) await writeStdout(outcome.path);
    return outcome.code;

    async function pullOne(): Promise<{ code: number; path?: string }> {
      let download: Download;
      try {
        download = await downloads.add({ source, file: values.file, revision: values.revision, sha256 });
      } catch (error) {
        if (error instanceof TernError) throw new CliError(oneLine(error.message), error.code === 'BAD_REQUEST' ? 2 : 1);
        throw error;
      }
      id = download.id;
      const folder = services.library.folder;
      const path = (d: Download): string => join(folder, d.fileName);
      const finished = (d: Download, already: boolean): { code: number; path: string } => {
        say(already ? `${describeSource(d.source)} is already downloaded; ${verdict(d)}` : `${d.fileName}: ${verdict(d)}`);
        return { code: 0, path: path(d) };
      };
      if (download.state === 'done') return finished(download, true);
      if (stopSignal !== null) pause();

      const resumed = download.receivedBytes > 0;
      say(
        `${resumed ? 'resuming' : 'pulling'} ${describeSource(download.source)} into ${folder}` +
          (resumed ? ` from ${formatBytes(download.receivedBytes)}` : ''),
      );

      let lastState: Download['state'] = download.state;
      let lastError: string | null = null;
      unlisten.push(
        downloads.onChange((list) => {
          const d = list.downloads.find((item) => item.id === id);
          if (!d) return;
          if (d.state === 'downloading') {
            if (d.error !== null && d.error !== lastError) say(oneLine(d.error));
            progress.update({ label: d.fileName, received: d.receivedBytes, total: d.totalBytes, bytesPerSecond: d.bytesPerSecond, etaSeconds: d.etaSeconds });
          }
          if (d.state !== lastState && d.state === 'verifying') {
            progress.update({ label: d.fileName, received: d.receivedBytes, total: d.totalBytes, bytesPerSecond: null, etaSeconds: null }, true);
            say('verifying the file (its hash, and that the engine can run it)…');
          }
          lastState = d.state;
          lastError = d.error;
        }),
      );

      const settled = await downloads.whenSettled(id);
      if (settled === null) throw new CliError('the download was cancelled', 1);
      if (settled.state === 'done') return finished(settled, false);
      if (settled.state === 'paused' && stopSignal !== null) {
        const kept = `${formatBytes(settled.receivedBytes)}${settled.totalBytes ? ` of ${formatBytes(settled.totalBytes)}` : ''}`;
        say(`paused; run the same command again to resume (${kept} kept)`);
        return { code: SIGNAL_EXIT[stopSignal] ?? 1 };
      }
      if (settled.state === 'paused') {
        // Paused by the service itself: a full disk.
        throw new CliError(`${oneLine(settled.error ?? 'the download was paused')} (run the same command again to resume)`, 1);
      }
      throw new CliError(oneLine(settled.error ?? 'the download failed'), 1);
    }
  },
};

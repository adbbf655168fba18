/**
 * The desktop app's updater: electron-updater's autoUpdater behind the update service's Updater
 * port, pointed at the GitHub releases of the repository package.json names. It never downloads
 * or installs by itself (autoDownload and autoInstallOnAppQuit off) and takes no prereleases.
 * It is made only for a packaged app whose package.json names a GitHub repository
 * (services/updates/source.ts decides); otherwise the services get the reason instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubRepository } from '../services/updates/repository';
import { plainReleaseNotes } from '../services/updates/release-notes';
import { desktopUpdateSource } from '../services/updates/source';
import type { UpdateSource, Updater } from '../services/updates/updater';

export interface UpdaterLogger {
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
}

type ProgressListener = (info: { percent: number }) => void;

/** The part of electron-updater's AppUpdater used here; index.ts passes the real one (the compiler checks it fits). */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  logger: UpdaterLogger | null;
  setFeedURL(options: { provider: 'github'; owner: string; repo: string; releaseType: 'release' }): void;
  /** null when the updater is inactive here (an unpacked Linux build, say). */
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string; releaseNotes?: unknown } } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(): void;
  on(event: 'download-progress', listener: ProgressListener): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'download-progress', listener: ProgressListener): unknown;
}

/** What the packaged app's package.json says that matters here. */
export interface PackageMetadata {
  repository?: unknown;
  tern?: unknown;
}

export interface DesktopUpdatesOptions {
  /** Electron's app.isPackaged. */
  packaged: boolean;
  /** Electron's app.getAppPath(): the folder (or app.asar) holding the app's package.json. */
  appPath: string;
  platform: NodeJS.Platform;
  /** electron-updater's autoUpdater, reached only when an updater is made (reading it creates one). */
  autoUpdater: () => AutoUpdaterLike;
  log: (message: string) => void;
}

/** The desktop app's update source: electron-updater when this build can update, else the reason. */
export function desktopUpdates(options: DesktopUpdatesOptions): UpdateSource {
  const metadata = readPackageMetadata(options.appPath, options.log);
  return desktopUpdateSource({
    repository: metadata.repository,
    packaged: options.packaged,
    canInstall: options.platform !== 'darwin' || macSigned(metadata),
    makeUpdater: (repository) => electronUpdater(options.autoUpdater(), repository, options.log),
  });
}

/**
 * Whether this macOS build is signed, so that it can replace itself (Squirrel.Mac will not
 * install over an unsigned app). The release workflow says so when it signs, by packaging with
 * electron-builder's `-c.extraMetadata.tern.macSigned=true`, which puts
 * `"tern": { "macSigned": true }` into the packaged package.json. Absent, or anything but true:
 * unsigned, and the app points to the release page instead of updating itself.
 */
export function macSigned(metadata: PackageMetadata): boolean {
  const tern = metadata.tern;
  return typeof tern === 'object' && tern !== null && (tern as { macSigned?: unknown }).macSigned === true;
}

/**
 * The packaged app's package.json, read when the app runs: electron-builder's extraMetadata is
 * merged into it at packaging, after the code was built, so the bundled copy would not have it.
 */
export function readPackageMetadata(appPath: string, log: (message: string) => void): PackageMetadata {
  const path = join(appPath, 'package.json');
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as PackageMetadata) : {};
  } catch (error) {
    log(`updates: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
}

/** electron-updater as the Updater port, on the releases of `repository`. */
export function electronUpdater(autoUpdater: AutoUpdaterLike, repository: GitHubRepository, log: (message: string) => void): Updater {
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.allowPrerelease = false;
  autoUpdater.allowDowngrade = false;
  autoUpdater.logger = {
    info: (message) => log(`updates: ${String(message)}`),
    warn: (message) => log(`updates: ${String(message)}`),
    error: (message) => log(`updates: ${String(message)}`),
  };
  // The feed is set here rather than read from app-update.yml: the builds publish nowhere, and
  // the repository is package.json's.
  autoUpdater.setFeedURL({ provider: 'github', owner: repository.owner, repo: repository.repo, releaseType: 'release' });
  // electron-updater also emits its failures as 'error' events, and an EventEmitter with no
  // 'error' listener throws them. Checks and downloads report theirs through their promises;
  // this keeps the others (an install that fails after quitting began) from crashing the app.
  autoUpdater.on('error', (error) => log(`updates: ${error instanceof Error ? error.message : String(error)}`));

  return {
    async check() {
      const result = await autoUpdater.checkForUpdates();
      if (result === null) throw new Error('this copy of Tern cannot update itself; the release page has the new versions');
      if (!result.isUpdateAvailable) return null;
      const releaseNotes = plainReleaseNotes(result.updateInfo.releaseNotes);
      return releaseNotes === undefined ? { version: result.updateInfo.version } : { version: result.updateInfo.version, releaseNotes };
    },
    async download(onProgress) {
      const listener: ProgressListener = (info) => onProgress(info.percent / 100);
      autoUpdater.on('download-progress', listener);
      try {
        await autoUpdater.downloadUpdate();
      } finally {
        autoUpdater.removeListener('download-progress', listener);
      }
    },
    quitAndInstall() {
      autoUpdater.quitAndInstall();
    },
  };
}

/**
 * electron/main/updater.ts over a fake of electron-updater's autoUpdater: the settings it forces
 * (no download or install by itself, no prereleases), the feed from the repository, the Updater
 * port's answers, the signed-macOS flag, and that nothing is reached without a packaged build
 * naming a GitHub repository.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AutoUpdaterLike,
  type UpdaterLogger,
  desktopUpdates,
  electronUpdater,
  macSigned,
  readPackageMetadata,
} from '../../../electron/main/updater';

type CheckResult = Awaited<ReturnType<AutoUpdaterLike['checkForUpdates']>>;

/** electron-updater's AppUpdater as far as the adapter uses it; an EventEmitter like the real one. */
class FakeAutoUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowPrerelease = true;
  allowDowngrade = true;
  logger: UpdaterLogger | null = console;
  feed: unknown = null;
  checkCalls = 0;
  downloadCalls = 0;
  quitCalls = 0;
  result: CheckResult | Error = null;
  private finish: { resolve: () => void; reject: (error: Error) => void } | null = null;

  setFeedURL(options: unknown): void {
    this.feed = options;
  }
  async checkForUpdates(): Promise<CheckResult> {
    this.checkCalls++;
    if (this.result instanceof Error) throw this.result;
    return this.result;
  }
  downloadUpdate(): Promise<unknown> {
    this.downloadCalls++;
    return new Promise<void>((resolve, reject) => {
      this.finish = { resolve, reject };
    });
  }
  finishDownload(error?: Error): void {
    if (error) this.finish?.reject(error);
    else this.finish?.resolve();
  }
  quitAndInstall(): void {
    this.quitCalls++;
  }
}

const REPOSITORY = { owner: 'tern-app', repo: 'tern' };

function available(version: string, releaseNotes?: unknown): CheckResult {
  return { isUpdateAvailable: true, updateInfo: { version, releaseNotes } };
}

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** An app folder with this package.json. */
function appFolder(packageJson: object | string | null): string {
  const folder = mkdtempSync(join(tmpdir(), 'tern-updater-'));
  folders.push(folder);
  if (packageJson !== null) writeFileSync(join(folder, 'package.json'), typeof packageJson === 'string' ? packageJson : JSON.stringify(packageJson));
  return folder;
}

describe('electronUpdater', () => {
  it('never downloads or installs by itself, takes no prereleases, and reads the repository’s GitHub releases', () => {
    const auto = new FakeAutoUpdater();
    electronUpdater(auto, REPOSITORY, () => {});
    expect(auto).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false, allowPrerelease: false, allowDowngrade: false });
    expect(auto.feed).toEqual({ provider: 'github', owner: 'tern-app', repo: 'tern', releaseType: 'release' });
    // Made, it has asked nothing.
    expect(auto.checkCalls).toBe(0);
    expect(auto.downloadCalls).toBe(0);
  });

  it("routes electron-updater's log to ours, and keeps its 'error' events from throwing", () => {
    const auto = new FakeAutoUpdater();
    const logged: string[] = [];
    electronUpdater(auto, REPOSITORY, (m) => logged.push(m));
    auto.logger?.info('Checking for update');
    auto.logger?.warn('slow');
    auto.logger?.error('bad');
    expect(() => auto.emit('error', new Error('install failed'))).not.toThrow();
    expect(logged).toEqual(['updates: Checking for update', 'updates: slow', 'updates: bad', 'updates: install failed']);
  });

  it('check: null when up to date, the version and plain-text notes when newer; it downloads nothing', async () => {
    const auto = new FakeAutoUpdater();
    const updater = electronUpdater(auto, REPOSITORY, () => {});
    auto.result = { isUpdateAvailable: false, updateInfo: { version: '0.1.0' } };
    expect(await updater.check()).toBeNull();
    auto.result = available('0.2.0', '<p>Faster <b>decoding</b>.</p>');
    expect(await updater.check()).toEqual({ version: '0.2.0', releaseNotes: 'Faster decoding.' });
    auto.result = available('0.2.1');
    expect(await updater.check()).toEqual({ version: '0.2.1' });
    expect(auto.checkCalls).toBe(3);
    expect(auto.downloadCalls).toBe(0);
  });

  it("check: electron-updater's errors come through; an inactive updater (null) is an error too", async () => {
    const auto = new FakeAutoUpdater();
    const updater = electronUpdater(auto, REPOSITORY, () => {});
    auto.result = Object.assign(new Error('No published versions on GitHub'), { code: 'ERR_UPDATER_NO_PUBLISHED_VERSIONS' });
    await expect(updater.check()).rejects.toMatchObject({ code: 'ERR_UPDATER_NO_PUBLISHED_VERSIONS' });
    auto.result = null;
    await expect(updater.check()).rejects.toThrow('this copy of Tern cannot update itself; the release page has the new versions');
  });

  it('download: progress as fractions while it runs, and no listener left after, done or failed', async () => {
    const auto = new FakeAutoUpdater();
    const updater = electronUpdater(auto, REPOSITORY, () => {});
    const fractions: number[] = [];
    const done = updater.download((f) => fractions.push(f));
    auto.emit('download-progress', { percent: 12.5, transferred: 1, total: 8, bytesPerSecond: 1 });
    auto.emit('download-progress', { percent: 100, transferred: 8, total: 8, bytesPerSecond: 1 });
    auto.finishDownload();
    await done;
    expect(fractions).toEqual([0.125, 1]);
    expect(auto.listenerCount('download-progress')).toBe(0);
    expect(auto.quitCalls).toBe(0);

    const failed = updater.download(() => {});
    auto.finishDownload(new Error('sha512 checksum mismatch'));
    await expect(failed).rejects.toThrow('sha512 checksum mismatch');
    expect(auto.listenerCount('download-progress')).toBe(0);
  });

  it('quitAndInstall is the only way to install', () => {
    const auto = new FakeAutoUpdater();
    const updater = electronUpdater(auto, REPOSITORY, () => {});
    expect(auto.quitCalls).toBe(0);
    updater.quitAndInstall();
    expect(auto.quitCalls).toBe(1);
  });
});

describe('macSigned', () => {
  it('is true only for "tern": { "macSigned": true }, which the signing release build adds', () => {
    expect(macSigned({ tern: { macSigned: true } })).toBe(true);
    for (const metadata of [{}, { tern: null }, { tern: {} }, { tern: { macSigned: 'true' } }, { tern: { macSigned: 1 } }, { tern: true }]) {
      expect(macSigned(metadata)).toBe(false);
    }
  });
});

describe('readPackageMetadata', () => {
  it("reads the app's package.json, and answers {} (logged) when it cannot", () => {
    const logged: string[] = [];
    expect(readPackageMetadata(appFolder({ name: 'tern', repository: 'tern-app/tern' }), (m) => logged.push(m))).toEqual({
      name: 'tern',
      repository: 'tern-app/tern',
    });
    expect(readPackageMetadata(appFolder(null), (m) => logged.push(m))).toEqual({});
    expect(readPackageMetadata(appFolder('{ not json'), (m) => logged.push(m))).toEqual({});
    expect(readPackageMetadata(appFolder('[1]'), (m) => logged.push(m))).toEqual({});
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^updates: cannot read .*package\.json/);
  });
});

describe('desktopUpdates', () => {
  const options = (appPath: string, fields: { packaged?: boolean; platform?: NodeJS.Platform; auto?: FakeAutoUpdater } = {}) => {
    const auto = fields.auto ?? new FakeAutoUpdater();
    const reach = vi.fn(() => auto);
    return {
      reach,
      auto,
      options: { packaged: fields.packaged ?? true, appPath, platform: fields.platform ?? 'linux', autoUpdater: reach, log: () => {} },
    };
  };

  it('a packaged build naming a GitHub repository gets electron-updater on its releases', async () => {
    const { options: o, reach, auto } = options(appFolder({ repository: { type: 'git', url: 'git+https://github.com/tern-app/tern.git' } }));
    const source = desktopUpdates(o);
    expect(source).toMatchObject({ releasePageUrl: 'https://github.com/tern-app/tern/releases', canInstall: true });
    expect(source.updater).not.toBeNull();
    expect(reach).toHaveBeenCalledTimes(1);
    auto.result = available('0.2.0');
    expect(await source.updater!.check()).toEqual({ version: '0.2.0' });
  });

  it('on macOS it installs only when the build says it is signed', () => {
    const signed = desktopUpdates(options(appFolder({ repository: 'tern-app/tern', tern: { macSigned: true } }), { platform: 'darwin' }).options);
    expect(signed).toMatchObject({ canInstall: true });
    const unsigned = desktopUpdates(options(appFolder({ repository: 'tern-app/tern' }), { platform: 'darwin' }).options);
    expect(unsigned).toMatchObject({ canInstall: false, releasePageUrl: 'https://github.com/tern-app/tern/releases' });
    expect(unsigned.updater).not.toBeNull();
    // Elsewhere the flag does not matter.
    expect(desktopUpdates(options(appFolder({ repository: 'tern-app/tern' }), { platform: 'win32' }).options)).toMatchObject({ canInstall: true });
  });

  it('never reaches electron-updater without a repository, or run from source', () => {
    const none = options(appFolder({ name: 'tern' }));
    expect(desktopUpdates(none.options)).toEqual({
      updater: null,
      reason: 'Updates are off: this build names no repository to take them from.',
      releasePageUrl: null,
    });
    expect(none.reach).not.toHaveBeenCalled();

    const fromSource = options(appFolder({ repository: 'tern-app/tern' }), { packaged: false });
    expect(desktopUpdates(fromSource.options)).toEqual({
      updater: null,
      reason: 'Updates are off when Tern runs from source.',
      releasePageUrl: 'https://github.com/tern-app/tern/releases',
    });
    expect(fromSource.reach).not.toHaveBeenCalled();
    expect(fromSource.auto.feed).toBeNull();
  });
});

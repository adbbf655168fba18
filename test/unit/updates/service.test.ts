/**
 * The update service over a fake updater: off with the reason and no network without one; a
 * check, a download with its progress and an install each only when called; errors as plain
 * messages; the automatic check only while switched on (fake timers).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TernError, type UpdateStatus } from '../../../electron/common/contract';
import { EventBus } from '../../../electron/services/dispatcher';
import { SettingsService } from '../../../electron/services/settings';
import { AUTO_CHECK_INTERVAL_MS, FIRST_AUTO_CHECK_MS, UpdateService } from '../../../electron/services/updates/service';
import {
  FROM_SOURCE_REASON,
  type FoundUpdate,
  HEADLESS_REASON,
  type UpdateSource,
  type Updater,
} from '../../../electron/services/updates/updater';
import { type TempStore, createTempStore } from '../store/temp-store';

const RELEASES = 'https://github.com/tern-app/tern/releases';

/** An updater that answers as told; a download waits for the test to finish it. */
class FakeUpdater implements Updater {
  checks = 0;
  downloads = 0;
  installs = 0;
  /** What the next check answers: an update, null (up to date), or an error it throws. */
  answer: FoundUpdate | null | Error = null;
  /** True: checks wait until the test calls release(). */
  hold = false;
  private released: (() => void) | null = null;
  private download_: { progress: (fraction: number) => void; resolve: () => void; reject: (error: Error) => void } | null = null;

  async check(): Promise<FoundUpdate | null> {
    this.checks++;
    if (this.hold) await new Promise<void>((resolve) => (this.released = resolve));
    const answer = this.answer;
    if (answer instanceof Error) throw answer;
    return answer;
  }
  release(): void {
    this.released?.();
    this.released = null;
  }

  download(onProgress: (fraction: number) => void): Promise<void> {
    this.downloads++;
    return new Promise((resolve, reject) => {
      this.download_ = { progress: onProgress, resolve, reject };
    });
  }
  progress(fraction: number): void {
    this.download_!.progress(fraction);
  }
  finishDownload(error?: Error): void {
    const download = this.download_!;
    this.download_ = null;
    if (error) download.reject(error);
    else download.resolve();
  }
  quitAndInstall(): void {
    this.installs++;
  }
}

let temp: TempStore;
let settings: SettingsService;
let events: UpdateStatus[];
let bus: EventBus;
let services: UpdateService[];

beforeEach(() => {
  temp = createTempStore();
  bus = new EventBus();
  events = [];
  bus.listen((name, payload) => {
    if (name === 'updateStatus') events.push(payload as UpdateStatus);
  });
  settings = new SettingsService(temp.store.settings, bus);
  services = [];
});
afterEach(() => {
  for (const service of services) service.close();
  vi.useRealTimers();
  temp.cleanup();
});

function make(source: UpdateSource): UpdateService {
  const service = new UpdateService({ currentVersion: '0.1.0', source, settings, events: bus, now: () => 1_700_000_000_000 });
  services.push(service);
  return service;
}

function withUpdater(canInstall = true): { service: UpdateService; updater: FakeUpdater } {
  const updater = new FakeUpdater();
  return { service: make({ updater, releasePageUrl: RELEASES, canInstall }), updater };
}

describe('UpdateService without an updater', () => {
  it.each([
    ['the headless host', HEADLESS_REASON, null],
    ['a run from source', FROM_SOURCE_REASON, RELEASES],
    ['a build naming no repository', 'Updates are off: this build names no repository to take them from.', null],
  ])('%s: every call answers enabled false with the reason, and nothing is emitted but the switch', async (_, reason, releasePageUrl) => {
    const service = make({ updater: null, reason, releasePageUrl });
    const expected = {
      currentVersion: '0.1.0',
      enabled: false,
      reason,
      autoCheck: false,
      state: 'idle',
      availableVersion: null,
      releaseNotes: null,
      progress: null,
      error: null,
      lastCheckedAt: null,
      releasePageUrl,
      canInstall: false,
    };
    expect(service.status()).toEqual(expected);
    expect(await service.check()).toEqual(expected);
    expect(await service.download()).toEqual(expected);
    expect(service.install()).toEqual(expected);
    expect(events).toEqual([]);
  });

  it('keeps the automatic check switch but never checks (no timer, no updater to reach)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const service = make({ updater: null, reason: HEADLESS_REASON, releasePageUrl: null });
    service.start();
    expect(service.setAutoCheck(true)).toMatchObject({ enabled: false, autoCheck: true, reason: HEADLESS_REASON });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('UpdateService with an updater', () => {
  it('starts idle and enabled, off for the automatic check, with the release page', () => {
    const { service, updater } = withUpdater();
    service.start();
    expect(service.status()).toMatchObject({ enabled: true, reason: null, autoCheck: false, state: 'idle', canInstall: true, releasePageUrl: RELEASES });
    expect(updater.checks).toBe(0);
  });

  it('check → up to date, with the time it answered', async () => {
    const { service, updater } = withUpdater();
    const status = await service.check();
    expect(status).toMatchObject({ state: 'up-to-date', availableVersion: null, lastCheckedAt: 1_700_000_000_000, error: null });
    expect(events.map((e) => e.state)).toEqual(['checking', 'up-to-date']);
    expect(updater.checks).toBe(1);
    expect(updater.downloads).toBe(0);
  });

  it('check → available → download with progress → downloaded → installs only on install', async () => {
    const { service, updater } = withUpdater();
    updater.answer = { version: '0.2.0', releaseNotes: 'Faster decoding.' };
    expect(await service.check()).toMatchObject({ state: 'available', availableVersion: '0.2.0', releaseNotes: 'Faster decoding.' });
    // A check never downloads.
    expect(updater.downloads).toBe(0);

    const downloading = service.download();
    expect(service.status()).toMatchObject({ state: 'downloading', progress: 0 });
    updater.progress(0.25);
    updater.progress(1.7); // clamped
    expect(events.filter((e) => e.state === 'downloading').map((e) => e.progress)).toEqual([0, 0.25, 1]);
    // A second Download while one runs joins it.
    expect(service.download()).toBe(downloading);
    updater.finishDownload();
    expect(await downloading).toMatchObject({ state: 'downloaded', progress: 1, availableVersion: '0.2.0' });
    expect(updater.downloads).toBe(1);
    // A download never installs; a check now keeps what is downloaded.
    expect(updater.installs).toBe(0);
    expect(await service.check()).toMatchObject({ state: 'downloaded' });
    expect(updater.checks).toBe(1);

    service.install();
    expect(updater.installs).toBe(1);
  });

  it('refuses to download with nothing found, and to install with nothing downloaded', async () => {
    const { service, updater } = withUpdater();
    expect(() => service.download()).toThrow(new TernError('CONFLICT', 'There is no update to download: check for updates first.'));
    expect(() => service.install()).toThrow(new TernError('CONFLICT', 'No update has been downloaded yet.'));
    updater.answer = { version: '0.2.0' };
    await service.check();
    expect(() => service.install()).toThrow(/No update has been downloaded yet/);
    expect(updater.downloads).toBe(0);
    expect(updater.installs).toBe(0);
  });

  it('an unsigned macOS build checks but never downloads: it points to the release page', async () => {
    const { service, updater } = withUpdater(false);
    updater.answer = { version: '0.2.0' };
    expect(await service.check()).toMatchObject({ enabled: true, canInstall: false, state: 'available', releasePageUrl: RELEASES });
    expect(() => service.download()).toThrow(/not signed, so it cannot update itself/);
    expect(updater.downloads).toBe(0);
  });

  it('joins a check under way instead of asking twice', async () => {
    const { service, updater } = withUpdater();
    updater.hold = true;
    const first = service.check();
    const second = service.check();
    expect(service.status().state).toBe('checking');
    updater.release();
    expect(await first).toEqual(await second);
    expect(updater.checks).toBe(1);
  });

  it.each([
    [Object.assign(new Error('getaddrinfo ENOTFOUND api.github.com'), { code: 'ENOTFOUND' }), 'Could not check for updates: GitHub could not be reached. Check the internet connection and try again.'],
    [new Error('net::ERR_INTERNET_DISCONNECTED'), 'Could not check for updates: GitHub could not be reached. Check the internet connection and try again.'],
    [Object.assign(new Error('No published versions on GitHub'), { code: 'ERR_UPDATER_NO_PUBLISHED_VERSIONS' }), 'Could not check for updates: no release has been published yet.'],
    [Object.assign(new Error('Unable to find latest version on GitHub (https://github.com/tern-app/tern/releases/latest), please ensure a production release exists: HttpError: 404 \n"method: GET url: …"'), { code: 'ERR_UPDATER_LATEST_VERSION_NOT_FOUND' }), 'Could not check for updates: no release has been published yet.'],
    [Object.assign(new Error('404 Not Found'), { statusCode: 404 }), 'Could not check for updates: no release has been published yet.'],
    [Object.assign(new Error('Cannot find latest-mac.yml in the latest release artifacts'), { code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' }), 'Could not check for updates: the latest release has no update for this system.'],
    [Object.assign(new Error('rate limited'), { statusCode: 403 }), 'Could not check for updates: GitHub refused the request (too many from this network). Try again later.'],
    [new Error('something odd\nwith a second line of headers'), 'Could not check for updates: something odd.'],
  ])('a failed check is state error with a plain message: %s', async (error, message) => {
    const { service, updater } = withUpdater();
    updater.answer = error;
    expect(await service.check()).toMatchObject({ state: 'error', error: message, availableVersion: null, lastCheckedAt: null });
    // And it can be tried again.
    updater.answer = null;
    expect(await service.check()).toMatchObject({ state: 'up-to-date', error: null });
  });

  it('a failed download is state error, keeps the version found, and can be tried again', async () => {
    const { service, updater } = withUpdater();
    updater.answer = { version: '0.2.0' };
    await service.check();
    const first = service.download();
    updater.finishDownload(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    expect(await first).toMatchObject({
      state: 'error',
      availableVersion: '0.2.0',
      progress: null,
      error: 'Could not download the update: GitHub could not be reached. Check the internet connection and try again.',
    });
    const again = service.download();
    updater.finishDownload();
    expect(await again).toMatchObject({ state: 'downloaded', error: null });
    expect(updater.downloads).toBe(2);
  });

  it('an install that throws becomes state error', async () => {
    const { service, updater } = withUpdater();
    updater.answer = { version: '0.2.0' };
    await service.check();
    const downloading = service.download();
    updater.finishDownload();
    await downloading;
    updater.quitAndInstall = () => {
      throw new Error('the installer is missing');
    };
    expect(service.install()).toMatchObject({ state: 'error', error: 'Could not install the update: the installer is missing' });
  });

  it('every status it emits matches the contract (the event bus checks each)', async () => {
    const { service, updater } = withUpdater();
    updater.answer = { version: '0.2.0', releaseNotes: 'Notes.' };
    await service.check();
    const downloading = service.download();
    updater.progress(0.5);
    updater.finishDownload();
    await downloading;
    expect(events.length).toBeGreaterThanOrEqual(5);
  });
});

describe('the automatic check', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  it('is off by default: no check however long the app runs', async () => {
    const { service, updater } = withUpdater();
    service.start();
    await vi.advanceTimersByTimeAsync(3 * AUTO_CHECK_INTERVAL_MS);
    expect(updater.checks).toBe(0);
    expect(settings.autoUpdateCheck()).toBe(false);
  });

  it('when on: once shortly after start, then every 24 hours; off stops it', async () => {
    settings.setAutoUpdateCheck(true);
    const { service, updater } = withUpdater();
    service.start();
    await vi.advanceTimersByTimeAsync(FIRST_AUTO_CHECK_MS - 1);
    expect(updater.checks).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(AUTO_CHECK_INTERVAL_MS);
    expect(updater.checks).toBe(2);
    expect(service.setAutoCheck(false)).toMatchObject({ autoCheck: false });
    await vi.advanceTimersByTimeAsync(3 * AUTO_CHECK_INTERVAL_MS);
    expect(updater.checks).toBe(2);
  });

  it('switched on: saved, said in an event, and the first check comes shortly after', async () => {
    const { service, updater } = withUpdater();
    service.start();
    expect(service.setAutoCheck(true)).toMatchObject({ autoCheck: true });
    expect(events.at(-1)).toMatchObject({ autoCheck: true });
    expect(settings.autoUpdateCheck()).toBe(true);
    await vi.advanceTimersByTimeAsync(FIRST_AUTO_CHECK_MS);
    expect(updater.checks).toBe(1);
  });

  it('finds an update but never downloads it by itself', async () => {
    settings.setAutoUpdateCheck(true);
    const { service, updater } = withUpdater();
    updater.answer = { version: '0.2.0' };
    service.start();
    await vi.advanceTimersByTimeAsync(FIRST_AUTO_CHECK_MS + 2 * AUTO_CHECK_INTERVAL_MS);
    expect(service.status()).toMatchObject({ state: 'available', availableVersion: '0.2.0' });
    expect(updater.downloads).toBe(0);
  });

  it('stops when the service closes', async () => {
    settings.setAutoUpdateCheck(true);
    const { service, updater } = withUpdater();
    service.start();
    service.close();
    await vi.advanceTimersByTimeAsync(2 * AUTO_CHECK_INTERVAL_MS);
    expect(updater.checks).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/**
 * Updates wired into the services: the headless host never updates whatever it is given, the
 * desktop app uses the updater main hands it through the contract's calls, the automatic check's
 * switch is saved in the data folder, and closing the services stops it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateStatus, WireResult } from '../../../electron/common/contract';
import { type Dispatch, createDispatcher } from '../../../electron/services/dispatcher';
import { type Services, type ServicesOptions, openServices } from '../../../electron/services/services';
import type { Updater } from '../../../electron/services/updates/updater';
import packageJson from '../../../package.json';

let root: string;
let dataDir: string;
let services: Services | null;
let dispatch: Dispatch;
let statuses: UpdateStatus[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tern-services-updates-'));
  dataDir = join(root, 'data');
  services = null;
});

afterEach(async () => {
  await services?.close();
  rmSync(root, { recursive: true, force: true });
});

function open(options: Pick<ServicesOptions, 'host' | 'updates'>): Services {
  services = openServices({ dataDir, owner: 'test', resumeDownloads: false, scanModels: false, ...options });
  dispatch = createDispatcher(services.handlers);
  statuses = [];
  services.events.listen((name, payload) => {
    if (name === 'updateStatus') statuses.push(payload as UpdateStatus);
  });
  return services;
}

async function ok(method: string, params: unknown = {}): Promise<UpdateStatus> {
  const result = (await dispatch(method, params)) as WireResult<UpdateStatus>;
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** An updater that would fail the test if the network were reached. */
function recordingUpdater(): Updater & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    check: async () => {
      calls.push('check');
      return { version: '99.0.0', releaseNotes: 'Everything.' };
    },
    download: async (onProgress) => {
      calls.push('download');
      onProgress(0.5);
      onProgress(1);
    },
    quitAndInstall: () => void calls.push('quitAndInstall'),
  };
}

describe('updates in the services', () => {
  it('the headless host answers every call with enabled false and its reason, even when given an updater', async () => {
    const updater = recordingUpdater();
    open({ host: 'headless', updates: { updater, releasePageUrl: 'https://github.com/tern-app/tern/releases', canInstall: true } });
    const expected = { enabled: false, reason: 'Updates are only in the desktop app.', currentVersion: packageJson.version, state: 'idle', canInstall: false };
    expect(await ok('getUpdateStatus')).toMatchObject(expected);
    expect(await ok('checkForUpdates')).toMatchObject(expected);
    expect(await ok('downloadUpdate')).toMatchObject(expected);
    expect(await ok('installUpdate')).toMatchObject(expected);
    expect(updater.calls).toEqual([]);
  });

  it('the desktop app without an updater from main counts as run from source', async () => {
    open({ host: 'electron' });
    expect(await ok('getUpdateStatus')).toMatchObject({ enabled: false, reason: 'Updates are off when Tern runs from source.' });
  });

  it("the desktop app checks, downloads and installs through main's updater, each only when called", async () => {
    const updater = recordingUpdater();
    open({ host: 'electron', updates: { updater, releasePageUrl: 'https://github.com/tern-app/tern/releases', canInstall: true } });
    expect(await ok('getUpdateStatus')).toMatchObject({ enabled: true, reason: null, state: 'idle', autoCheck: false });
    expect(updater.calls).toEqual([]);
    expect(await ok('checkForUpdates')).toMatchObject({ state: 'available', availableVersion: '99.0.0', releaseNotes: 'Everything.' });
    expect(updater.calls).toEqual(['check']);
    expect(await ok('downloadUpdate')).toMatchObject({ state: 'downloaded', progress: 1 });
    expect(updater.calls).toEqual(['check', 'download']);
    await ok('installUpdate');
    expect(updater.calls).toEqual(['check', 'download', 'quitAndInstall']);
    expect(statuses.map((s) => s.state)).toEqual(['checking', 'available', 'downloading', 'downloading', 'downloading', 'downloaded']);
  });

  it('refuses a download with nothing found as CONFLICT', async () => {
    open({ host: 'electron', updates: { updater: recordingUpdater(), releasePageUrl: 'https://github.com/tern-app/tern/releases', canInstall: true } });
    expect(await dispatch('downloadUpdate', {})).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'There is no update to download: check for updates first.' },
    });
  });

  it('the automatic check is off by default, and switched on it stays on after a restart', async () => {
    const updates = { updater: recordingUpdater(), releasePageUrl: 'https://github.com/tern-app/tern/releases', canInstall: true } as const;
    open({ host: 'electron', updates });
    expect((await ok('getUpdateStatus')).autoCheck).toBe(false);
    expect(await ok('setAutoUpdateCheck', { enabled: true })).toMatchObject({ autoCheck: true });
    expect(statuses.at(-1)).toMatchObject({ autoCheck: true });
    expect(await dispatch('setAutoUpdateCheck', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    await services!.close();
    open({ host: 'electron', updates });
    expect((await ok('getUpdateStatus')).autoCheck).toBe(true);
  });
});

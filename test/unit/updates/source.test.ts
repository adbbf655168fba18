/** Whether the desktop app gets an updater: only packaged, and only with a GitHub repository. */
import { describe, expect, it, vi } from 'vitest';
import { desktopUpdateSource } from '../../../electron/services/updates/source';
import { FROM_SOURCE_REASON, type Updater } from '../../../electron/services/updates/updater';

const updater: Updater = { check: async () => null, download: async () => {}, quitAndInstall: () => {} };

describe('desktopUpdateSource', () => {
  it('makes the updater for a packaged build naming a GitHub repository', () => {
    const makeUpdater = vi.fn(() => updater);
    const source = desktopUpdateSource({ repository: 'github:tern-app/tern', packaged: true, canInstall: true, makeUpdater });
    expect(source).toEqual({ updater, releasePageUrl: 'https://github.com/tern-app/tern/releases', canInstall: true });
    expect(makeUpdater).toHaveBeenCalledWith({ owner: 'tern-app', repo: 'tern' });
  });

  it('passes on that an unsigned macOS build cannot install', () => {
    const source = desktopUpdateSource({ repository: 'tern-app/tern', packaged: true, canInstall: false, makeUpdater: () => updater });
    expect(source).toMatchObject({ canInstall: false });
  });

  it('makes none without a repository, saying so', () => {
    const makeUpdater = vi.fn(() => updater);
    for (const packaged of [true, false]) {
      expect(desktopUpdateSource({ repository: undefined, packaged, canInstall: true, makeUpdater })).toEqual({
        updater: null,
        reason: 'Updates are off: this build names no repository to take them from.',
        releasePageUrl: null,
      });
    }
    expect(desktopUpdateSource({ repository: 'gitlab:tern-app/tern', packaged: true, canInstall: true, makeUpdater })).toMatchObject({
      updater: null,
      reason: expect.stringContaining('gitlab:tern-app/tern'),
    });
    expect(makeUpdater).not.toHaveBeenCalled();
  });

  it('makes none when run from source, and still links the releases', () => {
    const makeUpdater = vi.fn(() => updater);
    expect(desktopUpdateSource({ repository: 'tern-app/tern', packaged: false, canInstall: true, makeUpdater })).toEqual({
      updater: null,
      reason: FROM_SOURCE_REASON,
      releasePageUrl: 'https://github.com/tern-app/tern/releases',
    });
    expect(FROM_SOURCE_REASON).toBe('Updates are off when Tern runs from source.');
    expect(makeUpdater).not.toHaveBeenCalled();
  });
});

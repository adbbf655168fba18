/**
 * electron-builder.yml, loaded and validated offline by electron-builder's own code
 * (app-builder-lib's getConfig and validateConfiguration, which checks it against the
 * scheme.json it ships), since packaging itself needs the Electron download.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, resolve(root, 'electron-builder.yml'), null);
});

/** The target names of a platform's `target`, whatever form it takes. */
function targetNames(target: unknown): string[] {
  const list = Array.isArray(target) ? target : [target];
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

/** `files` as patterns (getConfig wraps a plain list in { filter }). */
function filePatterns(files: Configuration['files']): string[] {
  const list = Array.isArray(files) ? files : [files];
  return list.flatMap((entry) => {
    if (typeof entry === 'string') return [entry];
    const filter = entry?.filter;
    return filter === undefined ? [] : Array.isArray(filter) ? filter : [filter];
  });
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would be refused if it were wrong (the check is real)', async () => {
    const wrong = { ...config, linux: { ...config.linux, categry: 'Utility' } } as Configuration;
    await expect(validateConfiguration(wrong, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
    const badUnpack = { ...config, asarUnpack: { pattern: '**/*.node' } } as unknown as Configuration;
    await expect(validateConfiguration(badUnpack, new DebugLogger(false))).rejects.toThrow(/asarUnpack/);
  });

  it('names the app and writes installers to dist/', () => {
    expect(config.appId).toBe('org.tern.app');
    expect(config.productName).toBe('Tern');
    expect(config.directories?.output).toBe('dist');
  });

  it('packs the built app and the native engine, and unpacks every native module from the asar', () => {
    const files = filePatterns(config.files);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'out/**/*', 'build/native/Release/*.node']));
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['build/native/Release/*.node', 'node_modules/better-sqlite3/build/Release/*.node']),
    );
    const main = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { main: string };
    expect(main.main).toBe('out/main/index.js');
  });

  it('rebuilds better-sqlite3 for Electron and ships resources/', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources', to: 'resources' })]);
  });

  it('targets AppImage and deb, dmg, and nsis', () => {
    expect(targetNames(config.linux?.target).sort()).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category).toBeTruthy();
    expect(config.linux?.maintainer).toMatch(/<.+@.+>/);
    expect(targetNames(config.mac?.target)).toEqual(['dmg']);
    expect(config.mac?.category).toBe('public.app-category.productivity');
    expect(targetNames(config.win?.target)).toEqual(['nsis']);
  });

  it('gives each packed architecture its own engine, and an uninstall keeps the data folder', () => {
    expect(config.afterPack).toBe('scripts/after-pack.cjs');
    expect(config.nsis?.deleteAppDataOnUninstall).toBe(false);
    expect(config.publish).toBeNull();  // the release workflow adds the GitHub feed when package.json names a repository
  });

  it('turns off the Electron fuses an offline app does not need', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('has a real icon: a PNG of at least 512×512 in the build resources', () => {
    expect(config.directories?.buildResources).toBe('resources');
    const png = readFileSync(resolve(root, 'resources', 'icon.png'));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
  });
});

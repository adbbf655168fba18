/**
 * scripts/after-pack.cjs, electron-builder's afterPack hook: an app packed for another
 * architecture than the machine's gets the engine built for that one (build/native-ARCH), and
 * packing without it fails instead of shipping an engine that cannot load.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const afterPack = require('../../../scripts/after-pack.cjs') as {
  placeEngine(context: object, options: { hostArch: string; projectRoot: string }): string | null;
};
const ARCH = { x64: 1, arm64: 3 };
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A project with the host's and the x64 engine, and an app packed by electron-builder. */
function packed(platform: 'darwin' | 'linux' | 'win32') {
  const dir = mkdtempSync(join(tmpdir(), 'tern-after-pack-'));
  made.push(dir);
  const projectRoot = join(dir, 'project');
  put(join(projectRoot, 'build/native/Release/tern.node'), 'host engine');
  put(join(projectRoot, 'build/native-x64/Release/tern.node'), 'x64 engine');
  const appOutDir = join(dir, 'dist', `${platform}-unpacked`);
  const resources = platform === 'darwin' ? join(appOutDir, 'Tern.app/Contents/Resources') : join(appOutDir, 'resources');
  const engine = join(resources, 'app.asar.unpacked/build/native/Release/tern.node');
  put(engine, 'host engine');
  const context = (arch: number) => ({ arch, appOutDir, electronPlatformName: platform, packager: { appInfo: { productFilename: 'Tern' } } });
  return { projectRoot, engine, context };
}

describe('scripts/after-pack.cjs', () => {
  it('leaves the engine alone when the app is for this machine', () => {
    const { projectRoot, engine, context } = packed('darwin');
    expect(afterPack.placeEngine(context(ARCH.arm64), { hostArch: 'arm64', projectRoot })).toBeNull();
    expect(readFileSync(engine, 'utf8')).toBe('host engine');
  });

  it('puts the x64 engine into the Intel macOS app packed on Apple silicon', () => {
    const { projectRoot, engine, context } = packed('darwin');
    expect(afterPack.placeEngine(context(ARCH.x64), { hostArch: 'arm64', projectRoot })).toBe(engine);
    expect(readFileSync(engine, 'utf8')).toBe('x64 engine');
  });

  it('finds the engine in resources/ on Linux and Windows', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const { projectRoot, engine, context } = packed(platform);
      expect(afterPack.placeEngine(context(ARCH.x64), { hostArch: 'arm64', projectRoot })).toBe(engine);
      expect(readFileSync(engine, 'utf8')).toBe('x64 engine');
    }
  });

  it('refuses to pack for an architecture whose engine was not built, and says how to build it', () => {
    const { projectRoot, engine, context } = packed('linux');
    expect(() => afterPack.placeEngine(context(ARCH.arm64), { hostArch: 'x64', projectRoot })).toThrow(
      /needs the engine built for arm64: npx cmake-js compile --arch arm64 --out build\/native-arm64/,
    );
    expect(readFileSync(engine, 'utf8')).toBe('host engine');
  });
});

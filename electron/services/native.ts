/**
 * Loads the native addon (build/native/Release/tern.node) in plain Node, in Electron's main or
 * utility process, and from a packaged app (where it sits in app.asar.unpacked).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CpuInfo } from '../common/contract';

/** The addon's surface, as the C++ side exports it. */
export interface NativeAddon {
  cpuInfo(): CpuInfo;
}

const ADDON_RELATIVE = join('build', 'native', 'Release', 'tern.node');

/** Folders that may hold the addon: the app root above this file, and its unpacked twin. */
function candidates(from: string): string[] {
  const found: string[] = [];
  let dir = from;
  for (let i = 0; i < 6; i++) {
    found.push(join(dir, ADDON_RELATIVE));
    found.push(join(dir.replace(/app\.asar(?=$|[\\/])/, 'app.asar.unpacked'), ADDON_RELATIVE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (process.env.TERN_ADDON) found.unshift(process.env.TERN_ADDON);
  return found;
}

let cached: NativeAddon | undefined;

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const tried = candidates(__dirname);
  const path = tried.find((p) => existsSync(p));
  if (!path) {
    throw new Error(
      `the native engine (tern.node) was not found; build it with \`npm run build:native\`. Looked in:\n  ${tried.join('\n  ')}`,
    );
  }
  const require = createRequire(__filename);
  cached = require(path) as NativeAddon;
  return cached;
}

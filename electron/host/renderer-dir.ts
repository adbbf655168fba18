/**
 * Finds the built renderer (out/renderer with its index.html): next to the bundled CLI
 * (out/main/cli.js -> out/renderer) or, from the TypeScript sources, in the project's out/.
 * TERN_RENDERER_DIR overrides. Never the source renderer/ folder.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export function findRendererDir(from: string = __dirname, env: Record<string, string | undefined> = process.env): string | undefined {
  const override = env.TERN_RENDERER_DIR;
  if (override) return existsSync(join(override, 'index.html')) ? resolve(override) : undefined;
  let dir = resolve(from);
  for (let i = 0; i < 8; i++) {
    const candidates = [join(dir, 'out', 'renderer')];
    if (basename(dir) === 'out') candidates.unshift(join(dir, 'renderer'));
    const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

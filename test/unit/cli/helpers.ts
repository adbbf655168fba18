/** Running the built `tern` command line (out/main/cli.js via bin/tern.cjs) in tests. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../../..');
export const bin = join(root, 'bin', 'tern.cjs');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Rebuilds out/main/cli.js when it is older than electron/ (the main build comes first, so a renderer failure does not matter here). */
export function ensureCliBuilt(): void {
  const cli = join(root, 'out', 'main', 'cli.js');
  const fresh = () => existsSync(cli) && statSync(cli).mtimeMs > newestSource(join(root, 'electron'));
  if (fresh()) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    if (!fresh()) throw error;
  }
}

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function tern(args: string[]): Result {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

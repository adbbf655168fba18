#!/usr/bin/env node
// `npm start`: runs the desktop app in Electron, built from this checkout.
//
// Where the Electron binary is installed: builds out/ if it is missing or older than the
// sources, makes sure better-sqlite3 is built for Electron's ABI (it is not Node-API), then runs
// Electron on this folder with any arguments passed through (`npm start -- --data-dir /tmp/t1`).
// Where it is not (its download failed or was skipped): says so, how to get it, and points to
// the headless host, `npm run serve`, which runs the same app in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(join(root, 'package.json'));
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['electron', 'renderer', 'electron.vite.config.ts'];

/**
 * Where the Electron binary is, the way node_modules/electron/index.js finds it (path.txt names
 * the executable inside dist/; ELECTRON_OVERRIDE_DIST_PATH replaces dist/), but without
 * requiring that module: when the binary is missing, requiring it starts a download.
 */
function findElectron() {
  let packageDir;
  try {
    packageDir = dirname(requireHere.resolve('electron/package.json'));
  } catch {
    return { found: false, why: 'the electron package is not installed (run `npm install`)' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && !executable) {
    return { found: false, why: `${rel(pathFile)} is missing: the binary's download failed or was skipped` };
  }
  const binary = override ? join(override, executable || 'electron') : join(packageDir, 'dist', executable);
  if (!existsSync(binary)) return { found: false, why: `${rel(binary)} does not exist` };
  return { found: true, binary };
}

/** The newest modification time under `path` (0 if it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry !== 'node_modules') latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/** out/ is missing a piece, or older than the sources it is built from. */
function needsBuild() {
  const built = BUILT.map((file) => join(root, file));
  if (built.some((file) => !existsSync(file))) return true;
  const oldestBuilt = Math.min(...built.map((file) => statSync(file).mtimeMs));
  return SOURCES.some((source) => newest(join(root, source)) > oldestBuilt);
}

function rel(path) {
  const r = relative(root, path);
  return r.startsWith('..') ? path : r;
}

function explainMissing(why) {
  console.error(`Tern: the Electron binary is not installed here (${why}).

To run the desktop app, on a machine with internet access:
  node node_modules/electron/install.js     download Electron's binary into node_modules/electron/dist
  npm start                                 builds better-sqlite3 for Electron's ABI
                                            (npx electron-rebuild -f -w better-sqlite3), then starts
better-sqlite3 has to be rebuilt because it is not Node-API; the engine, tern.node, is Node-API
and needs no rebuild.

Without Electron, the same app runs in a browser from the headless host:
  npm run serve                             then open the URL it prints`);
}

/** Runs a Node script of an installed package's bin; exits on failure. */
function runBin(packageName, binName, args, what) {
  let script;
  try {
    const manifestPath = requireHere.resolve(`${packageName}/package.json`);
    const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'));
    script = join(dirname(manifestPath), typeof bin === 'string' ? bin : bin[binName]);
  } catch {
    console.error(`Tern: cannot ${what}: ${packageName} is not installed (run \`npm install\`).`);
    process.exit(1);
  }
  console.error(`Tern: ${what}: ${binName} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`Tern: could not ${what} (${binName} exited with ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

/**
 * better-sqlite3 as npm installs it is built for Node, whose ABI differs from Electron's. If
 * plain Node can open a database with it, it is Node's build and Electron needs its own.
 */
function sqliteBuiltForNode() {
  const probe = "const D = require('better-sqlite3'); new D(':memory:').close();";
  const result = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8' });
  if (result.status === 0) return true;
  // Built for another ABI (Electron's, from an earlier run): leave it. Anything else (not
  // built at all) is also fixed by building it for Electron.
  return !/NODE_MODULE_VERSION/.test(result.stderr ?? '');
}

function main() {
  const electron = findElectron();
  if (!electron.found) {
    explainMissing(electron.why);
    process.exit(1);
  }

  if (needsBuild()) {
    runBin('electron-vite', 'electron-vite', ['build'], 'build the app into out/');
  }
  if (sqliteBuiltForNode()) {
    runBin('@electron/rebuild', 'electron-rebuild', ['-f', '-w', 'better-sqlite3'], "build better-sqlite3 for Electron's ABI");
    console.error('Tern: better-sqlite3 is now built for Electron; `npm rebuild better-sqlite3` builds it for Node again (tests, `npm run serve`).');
  }

  const env = { ...process.env };
  // Set by some terminals (VS Code's); it would make Electron run as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron.binary, [root, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    console.error(`Tern: could not start ${electron.binary}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main();

/**
 * scripts/start.mjs (`npm start`), run as a child process inside a fake project: a copy of the
 * script beside fake node_modules (electron, electron-vite, better-sqlite3, @electron/rebuild)
 * whose stand-ins record what they were asked to do.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = resolve(__dirname, '../../../scripts/start.mjs');
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

interface ProjectOptions {
  binary?: boolean;
  built?: boolean;
  /** 'node': loads in plain Node; 'electron': fails with an ABI mismatch. */
  sqlite?: 'node' | 'electron';
}

function project({ binary = true, built = true, sqlite = 'electron' }: ProjectOptions = {}) {
  const root = mkdtempSync(join(tmpdir(), 'tern-start-'));
  made.push(root);
  const log = join(root, 'log.txt');
  const record = (what: string) => `require('node:fs').appendFileSync(${JSON.stringify(log)}, ${what} + '\\n');`;
  write(join(root, 'package.json'), '{"name":"fake-tern","main":"out/main/index.js"}');
  mkdirSync(join(root, 'scripts'));
  copyFileSync(script, join(root, 'scripts', 'start.mjs'));

  const electron = join(root, 'node_modules', 'electron');
  write(join(electron, 'package.json'), '{"name":"electron","version":"45.5.0","main":"index.js"}');
  write(join(electron, 'index.js'), `${record("'required electron'")}\nmodule.exports = 'nope';`);
  write(join(electron, 'install.js'), record("'downloaded electron'"));
  if (binary) {
    write(join(electron, 'path.txt'), 'electron');
    const fake = join(electron, 'dist', 'electron');
    write(fake, `#!/bin/sh\necho "electron $* run-as-node=\${ELECTRON_RUN_AS_NODE:-unset}" >> "${log}"\nexit 3\n`);
    chmodSync(fake, 0o755);
  }

  write(join(root, 'node_modules', 'electron-vite', 'package.json'), '{"name":"electron-vite","bin":{"electron-vite":"bin/electron-vite.js"}}');
  write(
    join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    `${record("'electron-vite ' + process.argv.slice(2).join(' ')")}
const fs = require('node:fs');
for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
  fs.mkdirSync(require('node:path').dirname(f), { recursive: true });
  fs.writeFileSync(f, '');
}`,
  );
  if (built) {
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) write(join(root, f), '');
  }

  write(join(root, 'node_modules', 'better-sqlite3', 'package.json'), '{"name":"better-sqlite3","main":"index.js"}');
  write(
    join(root, 'node_modules', 'better-sqlite3', 'index.js'),
    sqlite === 'node'
      ? 'module.exports = class { close() {} };'
      : "throw new Error('better_sqlite3.node was compiled against a different Node.js version using NODE_MODULE_VERSION 150');",
  );
  write(join(root, 'node_modules', '@electron', 'rebuild', 'package.json'), '{"name":"@electron/rebuild","bin":{"electron-rebuild":"lib/cli.js"}}');
  write(join(root, 'node_modules', '@electron', 'rebuild', 'lib', 'cli.js'), record("'electron-rebuild ' + process.argv.slice(2).join(' ')"));

  const run = (args: string[] = [], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '', ...env },
    });
    const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    return { status: result.status, stderr: result.stderr, lines };
  };
  return { root, run };
}

describe('npm start', () => {
  it('without the Electron binary: explains, points to npm run serve, exits non-zero, downloads nothing', () => {
    const { run } = project({ binary: false });
    const { status, stderr, lines } = run();
    expect(status).toBe(1);
    expect(stderr).toContain('the Electron binary is not installed here');
    expect(stderr).toContain('node node_modules/electron/install.js');
    expect(stderr).toContain('electron-rebuild -f -w better-sqlite3');
    expect(stderr).toContain('Node-API');
    expect(stderr).toContain('npm run serve');
    expect(lines).toEqual([]);
  });

  it('with the binary: runs Electron on the project with the arguments, and exits with its code', () => {
    const { root, run } = project();
    const { status, lines } = run(['--data-dir', '/tmp/t1'], { ELECTRON_RUN_AS_NODE: '1' });
    expect(status).toBe(3);
    expect(lines).toEqual([`electron ${root} --data-dir /tmp/t1 run-as-node=unset`]);
  });

  it('finds the binary through ELECTRON_OVERRIDE_DIST_PATH as electron/index.js does', () => {
    const { root, run } = project({ binary: false });
    const dist = join(root, 'elsewhere');
    write(join(dist, 'electron'), `#!/bin/sh\necho "override $*" >> "${join(root, 'log.txt')}"\n`);
    chmodSync(join(dist, 'electron'), 0o755);
    const { status, lines } = run([], { ELECTRON_OVERRIDE_DIST_PATH: dist });
    expect(status).toBe(0);
    expect(lines).toEqual([`override ${root}`]);
  });

  it('builds out/ first when it is missing', () => {
    const { root, run } = project({ built: false });
    const { status, lines } = run();
    expect(status).toBe(3);
    expect(lines).toEqual(['electron-vite build', `electron ${root} run-as-node=unset`]);
  });

  it('builds again when a source is newer than out/', () => {
    const { root, run } = project();
    const past = new Date(Date.now() - 60_000);
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) utimesSync(join(root, f), past, past);
    expect(run().lines).toEqual([`electron ${root} run-as-node=unset`]);
    write(join(root, 'renderer', 'src', 'App.tsx'), 'export {}');
    expect(run().lines.slice(1)).toEqual(['electron-vite build', `electron ${root} run-as-node=unset`]);
  });

  it("rebuilds better-sqlite3 for Electron's ABI when it is Node's build", () => {
    const { root, run } = project({ sqlite: 'node' });
    const { status, lines, stderr } = run();
    expect(status).toBe(3);
    expect(lines).toEqual(['electron-rebuild -f -w better-sqlite3', `electron ${root} run-as-node=unset`]);
    expect(stderr).toContain('npm rebuild better-sqlite3');
  });
});

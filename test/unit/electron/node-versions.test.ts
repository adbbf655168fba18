/**
 * The Node versions the project asks for: package.json `engines.node`, the README's Prerequisites
 * and what the installed packages declare must agree, so that they cannot drift apart again.
 *  - `engines.node` is `>=A.B`, and the README's first "Node.js A.B or newer" is the same floor
 *    (the engine, the tests and `tern serve`);
 *  - the README's second version is the floor of the desktop app and packaging: exactly the
 *    highest Node floor that Electron and its helpers declare;
 *  - every installed package that refuses the Node floor is one of those Electron helpers (so the
 *    EBADENGINE warnings of `npm install` on the floor are the documented ones), and accepts the
 *    Electron floor.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const modules = join(root, 'node_modules');

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a version: ${text}`);
  const part = (s: string | undefined) => (s === undefined || s === 'x' || s === '*' ? 0 : Number(s));
  return [Number(m[1]), part(m[2]), part(m[3])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function show(v: Version): string {
  return v.join('.');
}

/** Whether `version` satisfies an npm `engines` range (the forms packages use: ||, >=, >, <, <=, ^, ~, X, X.x, X.Y.Z). */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((set) => {
    const tokens = set.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return true;
    return tokens.every((token) => {
      if (token === '*' || token === 'x') return true;
      const m = /^(>=|<=|>|<|=|\^|~)?(.+)$/.exec(token)!;
      const op = m[1] ?? '';
      const given = m[2]!;
      const parts = given.replace(/^v/, '').split('.');
      const v = parseVersion(given);
      const c = compare(version, v);
      switch (op) {
        case '>=': return c >= 0;
        case '>': return c > 0;
        case '<=': return c <= 0;
        case '<': return c < 0;
        case '^': return c >= 0 && version[0] === v[0];
        case '~': return c >= 0 && version[0] === v[0] && version[1] === v[1];
        default: {
          // X, X.x, X.Y, X.Y.Z: the versions that match the given parts.
          const given = parts.filter((p) => p !== 'x' && p !== '*').length;
          return version.slice(0, given).every((n, i) => n === v[i]);
        }
      }
    });
  });
}

function packageJson(dir: string): { name?: string; engines?: { node?: string } } {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** The versions "Node.js X.Y or newer" in the README's Prerequisites, in order. */
function readmeVersions(): Version[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = /^## Prerequisites\n([\s\S]*?)^## /m.exec(readme);
  expect(section, 'README has a Prerequisites section').not.toBeNull();
  const text = section![1]!.replace(/\s+/g, ' ');
  return [...text.matchAll(/Node\.js (\d+\.\d+(?:\.\d+)?) or newer/g)].map((m) => parseVersion(m[1]!));
}

function enginesFloor(): Version {
  const range = packageJson(root).engines?.node;
  expect(range, 'package.json has engines.node').toBeTypeOf('string');
  const m = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(range!.trim());
  expect(m, `engines.node is a plain floor (>=X.Y), not ${range}`).not.toBeNull();
  return parseVersion(m![1]!);
}

/** Electron and the helpers that come with it and with packaging (electron-builder). */
function isElectronTooling(name: string): boolean {
  return name === 'electron' || name === 'node-abi' || name.startsWith('@electron/') || name.startsWith('@electron-internal/');
}

function installedPackages(): { name: string; node: string }[] {
  const found: { name: string; node: string }[] = [];
  const visit = (dir: string) => {
    if (!existsSync(join(dir, 'package.json'))) return;
    const json = packageJson(dir);
    if (json.name && typeof json.engines?.node === 'string') found.push({ name: json.name, node: json.engines.node });
  };
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const sub of readdirSync(join(modules, entry))) visit(join(modules, entry, sub));
    } else {
      visit(join(modules, entry));
    }
  }
  return found;
}

describe('Node versions (package.json engines, README, installed packages)', () => {
  it('reads npm ranges the way npm does', () => {
    expect(satisfies([20, 19, 0], '>=20.19')).toBe(true);
    expect(satisfies([20, 18, 3], '>=20.19')).toBe(false);
    expect(satisfies([20, 19, 0], '>= 22.12.0')).toBe(false);
    expect(satisfies([22, 12, 0], '>= 22.12.0')).toBe(true);
    expect(satisfies([20, 19, 0], '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies([21, 0, 0], '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies([20, 19, 0], '18 || 20 || >=22')).toBe(true);
    expect(satisfies([20, 19, 0], '20.x || 22.x')).toBe(true);
    expect(satisfies([20, 19, 0], '>=v12.22.7')).toBe(true);
    expect(satisfies([20, 19, 0], '>=18 <20')).toBe(false);
  });

  it('package.json engines.node is the README floor, and the running Node meets it', () => {
    const floor = enginesFloor();
    const stated = readmeVersions();
    expect(stated.length, 'the README states the Node floor and the Electron one').toBe(2);
    const [nodeFloor, electronFloor] = stated as [Version, Version];
    expect(show(nodeFloor)).toBe(show(floor));
    expect(compare(electronFloor, floor), 'the Electron floor is above the Node floor').toBeGreaterThan(0);
    expect(satisfies(parseVersion(process.versions.node), packageJson(root).engines!.node!)).toBe(true);
  });

  it.skipIf(!existsSync(join(modules, 'electron', 'package.json')))(
    'the README Electron floor is what Electron and its helpers declare, and only they refuse the Node floor',
    () => {
      const floor = enginesFloor();
      const electronFloor = readmeVersions()[1]!;
      const packages = installedPackages();

      // The Electron floor: exactly the highest floor Electron's own package declares.
      const electron = packages.find((p) => p.name === 'electron');
      expect(electron, 'electron declares engines.node').toBeDefined();
      const declared = /^>=\s*(\S+)$/.exec(electron!.node.trim());
      expect(declared, `electron's engines.node is a floor: ${electron!.node}`).not.toBeNull();
      expect(show(electronFloor), `README Electron floor vs electron's ${electron!.node}`).toBe(show(parseVersion(declared![1]!)));

      // What npm install warns about on the floor: Electron tooling only, all fine on the Electron floor.
      const refuseFloor = packages.filter((p) => !satisfies(floor, p.node));
      expect(refuseFloor.filter((p) => !isElectronTooling(p.name)), 'packages other than Electron tooling that need more than the Node floor').toEqual([]);
      for (const p of refuseFloor) expect(satisfies(electronFloor, p.node), `${p.name} (${p.node}) on Node ${show(electronFloor)}`).toBe(true);
      expect(refuseFloor.map((p) => p.name)).toContain('electron');
    },
  );
});

import { readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures/test';
import type { FeatureLabel } from './pages/about';

const version = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
  .version;

/** On Linux, the kernel's view of the CPU: what the About panel must agree with. */
function linuxCpuFlags(): Set<string> | null {
  if (platform() !== 'linux') return null;
  const text = readFileSync('/proc/cpuinfo', 'utf8');
  const line = text.split('\n').find((l) => /^(flags|Features)\s*:/.test(l));
  return line ? new Set(line.split(':')[1]!.trim().split(/\s+/)) : null;
}

test('About shows the app, the host, the data folder and the CPU features', async ({ app, host }) => {
  await app.about.open();
  await expect(app.about.heading).toBeFocused();
  expect(await app.about.fact('Name')).toBe('Tern');
  expect(await app.about.fact('Version')).toBe(version);
  expect(await app.about.fact('Host')).toBe('Headless host (tern serve)');
  expect(await app.about.fact('Data directory')).toBe(host.dataDir);
  expect(await app.about.fact('CPU')).not.toBe('');
  // One path, or both when prefill runs on another (decode avx512 · prefill amx).
  expect(await app.about.fact('Kernel path')).toMatch(/^((scalar|avx2|avxvnni|avx512|amx|neon)|decode \w+ · prefill \w+)$/);

  const labels: FeatureLabel[] = ['AVX2', 'AVX-512 F', 'AVX-512 BW', 'AVX-512 VNNI', 'NEON', 'dotprod'];
  const shown: Partial<Record<FeatureLabel, string>> = {};
  for (const label of labels) {
    shown[label] = await app.about.feature(label);
    expect(shown[label]).toMatch(/^(yes|no)$/);
  }

  const flags = linuxCpuFlags();
  if (flags && arch() === 'x64') {
    const yesNo = (flag: string) => (flags.has(flag) ? 'yes' : 'no');
    expect(shown).toEqual({
      AVX2: yesNo('avx2'),
      'AVX-512 F': yesNo('avx512f'),
      'AVX-512 BW': yesNo('avx512bw'),
      'AVX-512 VNNI': yesNo('avx512_vnni'),
      NEON: 'no',
      dotprod: 'no',
    });
  } else if (flags && arch() === 'arm64') {
    expect(shown.NEON).toBe(flags.has('asimd') ? 'yes' : 'no');
    expect(shown.dotprod).toBe(flags.has('asimddp') ? 'yes' : 'no');
    expect(shown.AVX2).toBe('no');
  }

  await app.about.close();
  await expect(app.chat.noConversation).toBeVisible();
});

/**
 * When the native addon cannot load, getAppInfo says so instead of describing a CPU it does not
 * know. (Its own file: the addon loader caches per module instance.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/services/dispatcher';
import { openServices } from '../../../electron/services/services';

let root: string;
const saved = process.env.TERN_ADDON;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tern-addon-'));
  const broken = join(root, 'broken.node');
  writeFileSync(broken, 'not a shared library');
  process.env.TERN_ADDON = broken;
});

afterAll(() => {
  if (saved === undefined) delete process.env.TERN_ADDON;
  else process.env.TERN_ADDON = saved;
  rmSync(root, { recursive: true, force: true });
});

it('getAppInfo fails with a clear message when the addon does not load', async () => {
  const services = openServices({ dataDir: join(root, 'data'), host: 'headless', owner: 'test' });
  try {
    const result = await createDispatcher(services.handlers)('getAppInfo', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('native engine could not be loaded') },
    });
  } finally {
    await services.close();
  }
});

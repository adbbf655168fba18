import { defineConfig } from '@playwright/test';

/**
 * The Electron-launch smoke test (test/electron): the built app (`npm run build`) in the real
 * Electron binary, through Playwright's `_electron`. Not part of `npm test` — the binary cannot
 * be downloaded everywhere — but run by the CI workflow on Linux, macOS and Windows:
 *   node node_modules/electron/install.js && npx electron-builder install-app-deps
 *   npm run build && npm run test:electron       # under xvfb-run on a Linux without a display
 */
export default defineConfig({
  testDir: 'test/electron',
  outputDir: 'test-results/electron',
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: 'list',
  timeout: 120_000,
  expect: { timeout: 20_000 },
});

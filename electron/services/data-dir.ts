/**
 * Where Tern keeps its data by default: the same folder Electron's app.getPath('userData') gives
 * for the product name 'Tern', so the desktop app and `tern serve` share one store.
 *
 *   Linux    $XDG_CONFIG_HOME/Tern, or ~/.config/Tern
 *   macOS    ~/Library/Application Support/Tern
 *   Windows  %APPDATA%\Tern (normally C:\Users\<name>\AppData\Roaming\Tern)
 */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export const PRODUCT_NAME = 'Tern';

export interface DataDirEnvironment {
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  home?: string;
}

export function defaultDataDir(from: DataDirEnvironment = {}): string {
  const platform = from.platform ?? process.platform;
  const env = from.env ?? process.env;
  const home = from.home ?? homedir();
  if (platform === 'win32') {
    const appData = env.APPDATA || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, PRODUCT_NAME);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  // Chromium's XDG lookup: the variable if set and non-empty, else ~/.config.
  const config = env.XDG_CONFIG_HOME || posix.join(home, '.config');
  return posix.join(config, PRODUCT_NAME);
}

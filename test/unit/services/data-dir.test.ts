import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../electron/services/data-dir';

describe('defaultDataDir (Electron userData for Tern)', () => {
  it('Linux: $XDG_CONFIG_HOME/Tern, else ~/.config/Tern', () => {
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg/conf' }, home: '/home/ada' })).toBe('/xdg/conf/Tern');
    expect(defaultDataDir({ platform: 'linux', env: {}, home: '/home/ada' })).toBe('/home/ada/.config/Tern');
    expect(defaultDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '' }, home: '/home/ada' })).toBe('/home/ada/.config/Tern');
    expect(defaultDataDir({ platform: 'freebsd', env: {}, home: '/home/ada' })).toBe('/home/ada/.config/Tern');
  });

  it('macOS: ~/Library/Application Support/Tern', () => {
    expect(defaultDataDir({ platform: 'darwin', env: { XDG_CONFIG_HOME: '/ignored' }, home: '/Users/ada' })).toBe(
      '/Users/ada/Library/Application Support/Tern',
    );
  });

  it('Windows: %APPDATA%\\Tern, else the roaming folder under the profile', () => {
    expect(defaultDataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, home: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Tern',
    );
    expect(defaultDataDir({ platform: 'win32', env: {}, home: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Roaming\\Tern');
  });

  it('defaults to this process', () => {
    expect(defaultDataDir()).toMatch(/Tern$/);
  });
});

import { describe, expect, it } from 'vitest';
import { dataDirArgument } from '../../../electron/main/args';
import { menuTemplate } from '../../../electron/main/menu';
import { focusWindow, mainWindowOptions, openMainWindow } from '../../../electron/main/window';
import { FakeWindow } from './fakes';

describe('main window', () => {
  it('is sandboxed and context-isolated, with no Node and our preload', () => {
    const options = mainWindowOptions('/app/out/preload/index.cjs', 'Tern');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.webPreferences?.preload).toMatch(/index\.cjs$/);
    expect(options.show).toBe(false);
  });

  it('loads the app from tern://app/ and shows itself when ready', async () => {
    const windows: FakeWindow[] = [];
    const window = openMainWindow(
      {
        createWindow: (options) => {
          const created = new FakeWindow(options);
          windows.push(created);
          return created;
        },
      },
      '/p.cjs',
      'Tern',
      () => {},
    );
    expect(windows).toHaveLength(1);
    expect(windows[0]).toBe(window);
    expect(windows[0]?.loadedUrl).toBe('tern://app/');
    expect(windows[0]?.visible).toBe(false);
    windows[0]?.emit('ready-to-show');
    expect(windows[0]?.visible).toBe(true);
  });

  it('focusWindow restores a minimised window and focuses it', () => {
    const window = new FakeWindow({});
    window.minimized = true;
    focusWindow(window);
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
    expect(() => focusWindow(null)).not.toThrow();
  });
});

describe('application menu', () => {
  const roles = (platform: NodeJS.Platform) => menuTemplate(platform).map((item) => item.role);

  it('uses the standard roles, with About under Help', () => {
    expect(roles('linux')).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
    expect(roles('win32')).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
    expect(roles('darwin')).toEqual(['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
    const help = menuTemplate('linux').find((item) => item.role === 'help');
    expect(help?.submenu).toEqual([{ role: 'about' }]);
  });
});

describe('--data-dir', () => {
  it('takes DIR or =DIR, absolute or relative to the working folder', () => {
    expect(dataDirArgument(['/opt/Tern/tern'], '/home/u')).toBeUndefined();
    expect(dataDirArgument(['electron', '.', '--data-dir', '/tmp/t1'], '/home/u')).toBe('/tmp/t1');
    expect(dataDirArgument(['tern', '--data-dir=data'], '/home/u')).toBe('/home/u/data');
    expect(dataDirArgument(['tern', '--no-sandbox', '--data-dir', 'x', '--enable-logging'], '/w')).toBe('/w/x');
  });

  it('refuses the flag without a folder', () => {
    expect(() => dataDirArgument(['tern', '--data-dir'], '/w')).toThrow('--data-dir needs a folder');
    expect(() => dataDirArgument(['tern', '--data-dir='], '/w')).toThrow('--data-dir needs a folder');
    expect(() => dataDirArgument(['tern', '--data-dir', '--other'], '/w')).toThrow('--data-dir needs a folder');
  });
});

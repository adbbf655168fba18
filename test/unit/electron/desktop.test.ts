/** The desktop-only actions of the Models view, on fakes of Electron's dialog and shell. */
import { describe, expect, it } from 'vitest';
import { desktopActions } from '../../../electron/main/desktop';
import { fakeElectron } from './fakes';

describe('desktopActions', () => {
  it('shows a file in the file manager', () => {
    const fake = fakeElectron();
    desktopActions(fake.electron, () => null).showItemInFolder('/models/m.gguf');
    expect(fake.shown).toEqual(['/models/m.gguf']);
  });

  it('asks for a .gguf with the open dialog, and answers null when cancelled or without a window', async () => {
    const fake = fakeElectron();
    const window = fake.electron.createWindow({});
    const actions = desktopActions(fake.electron, () => window);
    expect(await actions.chooseModelFile()).toBeNull();
    expect(fake.openDialogs.asked[0]).toMatchObject({ properties: ['openFile'], filters: [{ name: 'GGUF models', extensions: ['gguf'] }, expect.anything()] });
    fake.openDialogs.answer = { canceled: false, filePaths: ['/home/me/model.gguf'] };
    expect(await actions.chooseModelFile()).toBe('/home/me/model.gguf');
    expect(await desktopActions(fake.electron, () => null).chooseModelFile()).toBeNull();
  });
});

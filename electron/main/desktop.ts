/** What only the desktop app does for the Models view: the file manager and the open dialog. */
import type { DesktopActions } from '../services/handlers';
import type { ElectronMain, WindowLike } from './ports';

export function desktopActions(electron: Pick<ElectronMain, 'dialog' | 'shell'>, window: () => WindowLike | null): DesktopActions {
  return {
    showItemInFolder: (path) => electron.shell.showItemInFolder(path),
    async chooseModelFile() {
      const parent = window();
      if (!parent || parent.isDestroyed()) return null;
      const result = await electron.dialog.showOpenDialog({
        title: 'Add a model file',
        buttonLabel: 'Add',
        properties: ['openFile'],
        filters: [
          { name: 'GGUF models', extensions: ['gguf'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}

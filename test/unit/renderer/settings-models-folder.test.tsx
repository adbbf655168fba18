// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SettingsPanel } from '../../../renderer/src/features/settings';
import { loadModels, loadSettings, startSync } from '../../../renderer/src/state';
import { MODELS_FOLDER } from './fakeApi';
import { useFakeTern } from './setup';

const pathBox = () => screen.getByRole('textbox', { name: 'New models folder' }) as HTMLInputElement;
const moveButton = () => screen.getByRole('button', { name: 'Move models folder' }) as HTMLButtonElement;
const dialog = () => screen.getByRole('alertdialog', { name: 'Move the models folder?' });

async function renderSettings() {
  await act(() => loadSettings());
  await act(() => loadModels());
  render(<SettingsPanel onClose={() => {}} />);
  await screen.findByText(/^In use: /);
}

function askToMove(path: string) {
  fireEvent.change(pathBox(), { target: { value: path } });
  fireEvent.click(moveButton());
}

describe('Settings: the models folder', () => {
  const fake = useFakeTern();

  it('shows the current folder, the new folder box and what to do with the files', async () => {
    await renderSettings();
    expect(screen.getByText(MODELS_FOLDER)).toBeTruthy();
    expect(pathBox().value).toBe('');
    const group = screen.getByRole('radiogroup', { name: 'When moving' });
    const move = within(group).getByRole('radio', { name: 'Move the model files there' }) as HTMLInputElement;
    const leave = within(group).getByRole('radio', { name: 'Leave them where they are (they leave the list)' }) as HTMLInputElement;
    expect(move.checked).toBe(true);
    expect(leave.checked).toBe(false);
  });

  it('follows the folder a modelsChanged event names', async () => {
    await act(async () => {
      startSync();
    });
    await renderSettings();
    act(() => fake().emitEvent('modelsChanged', { folder: '/srv/models', models: [], scanning: false, defaultModelId: null }));
    expect(screen.getByText('/srv/models')).toBeTruthy();
  });

  it('moves the files along after asking, showing Moving… while it runs', async () => {
    fake().addModel('bitnet-2b.gguf');
    await renderSettings();
    askToMove('/data/models');
    expect(dialog().textContent).toContain('The models folder becomes /data/models');
    expect(dialog().textContent).toContain(`The model files in ${MODELS_FOLDER} move there`);
    expect(fake().callsOf('moveModelsFolder')).toHaveLength(0);

    fireEvent.click(within(dialog()).getByRole('button', { name: 'Move' }));
    expect(screen.getByRole('button', { name: 'Moving…' })).toHaveProperty('disabled', true);
    expect(screen.getByText('Moving…')).toBeTruthy();

    expect(await screen.findByText('The models folder is now /data/models; the model files moved there.')).toBeTruthy();
    expect(fake().callsOf('moveModelsFolder')).toEqual([{ path: '/data/models', moveFiles: true }]);
    expect(screen.getByText('/data/models', { selector: '.path' })).toBeTruthy();
    expect(fake().models[0]!.path).toBe('/data/models/bitnet-2b.gguf');
    expect(pathBox().value).toBe('');
    expect(moveButton().disabled).toBe(false);
  });

  it('can leave the files where they are', async () => {
    fake().addModel('bitnet-2b.gguf');
    await renderSettings();
    fireEvent.click(screen.getByRole('radio', { name: 'Leave them where they are (they leave the list)' }));
    askToMove('/data/other');
    expect(dialog().textContent).toContain(`The model files stay in ${MODELS_FOLDER} and leave the list`);
    await act(async () => fireEvent.click(within(dialog()).getByRole('button', { name: 'Move' })));
    expect(fake().callsOf('moveModelsFolder')).toEqual([{ path: '/data/other', moveFiles: false }]);
    expect(screen.getByText(`The models folder is now /data/other; the model files stayed in ${MODELS_FOLDER}.`)).toBeTruthy();
    expect(fake().models).toEqual([]);
  });

  it('says why a move failed and keeps the path typed', async () => {
    await renderSettings();
    fake().fail('moveModelsFolder', 'there is not enough room on /data for 1.2 GB', 'UNAVAILABLE');
    askToMove('/data/models');
    await act(async () => fireEvent.click(within(dialog()).getByRole('button', { name: 'Move' })));
    expect(screen.getByRole('alert').textContent).toBe('Could not move the models folder: there is not enough room on /data for 1.2 GB');
    expect(pathBox().value).toBe('/data/models');
    expect(screen.getByText(MODELS_FOLDER)).toBeTruthy();
    expect(moveButton().disabled).toBe(false);
  });

  it('Cancel moves nothing', async () => {
    await renderSettings();
    askToMove('/data/models');
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake().callsOf('moveModelsFolder')).toHaveLength(0);
  });

  it.each([
    ['', 'Enter the full path of a folder.'],
    ['models', 'Enter a full path, starting with / (or a drive letter on Windows).'],
    [`${MODELS_FOLDER}/`, 'That is already the models folder.'],
  ])('refuses the path %j without asking', async (path, error) => {
    await renderSettings();
    askToMove(path);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByText(error)).toBeTruthy();
    expect(pathBox().getAttribute('aria-invalid')).toBe('true');
    expect(fake().callsOf('moveModelsFolder')).toHaveLength(0);
  });

  it('Enter in the path box asks to move, and does not save the form', async () => {
    await renderSettings();
    fireEvent.change(pathBox(), { target: { value: 'C:\\Models' } });
    fireEvent.keyDown(pathBox(), { key: 'Enter' });
    expect(dialog()).toBeTruthy();
    expect(fake().callsOf('updateSettings')).toHaveLength(0);
  });
});

// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import { ModelsPanel } from '../../../renderer/src/features/models';
import { loadAppInfo, loadEngineStatus, loadModels, setConnection, startSync } from '../../../renderer/src/state';
import { makeFit, MODELS_FOLDER, SAMPLE_CATALOG_ENTRY } from './fakeApi';
import { useFakeTern } from './setup';

async function renderModels() {
  await act(async () => {
    startSync();
    await Promise.all([loadModels(), loadEngineStatus(), loadAppInfo()]);
  });
  render(<ModelsPanel onClose={() => {}} />);
  await screen.findByText(/^No downloads$|Reading the catalog/);
}

const installed = () => screen.getByRole('list', { name: 'Installed models' });
const rowOf = (fileName: string) => {
  const row = within(installed())
    .getAllByRole('listitem')
    .find((li) => li.textContent?.includes(fileName));
  if (!row) throw new Error(`no row for ${fileName}`);
  return row;
};

describe('Models view', () => {
  const fake = useFakeTern();

  it('opens from the sidebar button "Models" and closes again', async () => {
    render(<App />);
    await act(async () => {
      startSync();
    });
    const nav = screen.getByRole('button', { name: 'Models' });
    fireEvent.click(nav);
    expect(nav.getAttribute('aria-pressed')).toBe('true');
    expect(await screen.findByRole('heading', { name: 'Models', level: 2 })).toBeTruthy();
    expect(await screen.findByText('No models yet')).toBeTruthy();
    expect(await screen.findByText('No downloads')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Close Models' }));
    expect(screen.queryByRole('heading', { name: 'Models', level: 2 })).toBeNull();
  });

  it('lists installed models with size, format, kernel path, context, last used and verification', async () => {
    fake().addModel('bitnet-2b.gguf', {
      name: 'BitNet 2B',
      origin: 'microsoft/bitnet-b1.58-2B-4T-gguf/bitnet-2b.gguf',
      verified: true,
      kernels: { decode: 'avx512', prefill: 'amx' },
      lastUsedAt: Date.now() - 3 * 3600_000,
    });
    fake().addModel('direct.gguf', { origin: 'https://example.com/direct.gguf', verified: false, sizeBytes: 640_000_000, weightType: 'TQ2_0' });
    fake().addModel('mine.gguf');
    fake().modelFits.set('sha-bitnet-2b.gguf', makeFit('tight', { label: 'Tight: needs 11.2 GB of 12 GB available' }));
    await renderModels();

    const row = rowOf('bitnet-2b.gguf');
    expect(row.textContent).toContain('BitNet 2B');
    expect(row.textContent).toContain('1.2 GB');
    expect(row.textContent).toContain('I2_S');
    expect(row.textContent).toContain('decode avx512 · prefill amx');
    expect(row.textContent).toContain('4,096 tokens');
    expect(row.textContent).toContain('3 hours ago');
    expect(within(row).getByText('Verified')).toBeTruthy();
    expect(await within(row).findByText('Tight: needs 11.2 GB of 12 GB available')).toBeTruthy();

    const direct = rowOf('direct.gguf');
    expect(within(direct).getByText('Unverified')).toBeTruthy();
    expect(direct.textContent).toContain('TQ2_0');
    expect(direct.textContent).toContain('640 MB');

    const mine = rowOf('mine.gguf');
    expect(within(mine).queryByText('Verified')).toBeNull();
    expect(within(mine).queryByText('Unverified')).toBeNull();
    expect(mine.textContent).toContain('never');
    expect(await within(mine).findByText(/^Fits: needs/)).toBeTruthy();
    // Asked once per model, lazily.
    await waitFor(() => expect(fake().callsOf('checkModelFit')).toHaveLength(3));
  });

  it('shows why a file cannot run, without Load, Set as default or a fit check', async () => {
    fake().addModel('broken.gguf', { problem: 'the weights are F16, not ternary', kernels: null, weightType: 'F16' });
    await renderModels();
    const row = rowOf('broken.gguf');
    expect(row.textContent).toContain('Cannot run: the weights are F16, not ternary');
    expect(within(row).queryByRole('button', { name: 'Set as default' })).toBeNull();
    expect(within(row).queryByRole('button', { name: 'Load' })).toBeNull();
    expect(within(row).getByRole('button', { name: 'Delete' })).toBeTruthy();
    expect(fake().callsOf('checkModelFit')).toEqual([]);
  });

  it('sets the default model and marks it', async () => {
    fake().addModel('a.gguf');
    fake().addModel('b.gguf');
    fake().defaultModelId = 'sha-a.gguf';
    await renderModels();
    const a = within(rowOf('a.gguf'));
    expect(a.getByText('Default')).toBeTruthy();
    expect((a.getByRole('button', { name: 'Set as default' }) as HTMLButtonElement).disabled).toBe(true);

    await act(async () => fireEvent.click(within(rowOf('b.gguf')).getByRole('button', { name: 'Set as default' })));
    expect(fake().callsOf('setDefaultModel')).toEqual([{ modelId: 'sha-b.gguf' }]);
    await waitFor(() => expect(within(rowOf('b.gguf')).getByText('Default')).toBeTruthy());
    expect(within(rowOf('a.gguf')).queryByText('Default')).toBeNull();
  });

  it('offers Unload for the loaded model only', async () => {
    fake().addModel('a.gguf');
    fake().addModel('b.gguf');
    fake().engine = { state: 'ready', modelId: 'sha-a.gguf', progress: null, error: null, contextTokens: 4096, busy: false };
    await renderModels();
    expect(within(rowOf('b.gguf')).queryByRole('button', { name: 'Unload' })).toBeNull();
    expect(within(rowOf('a.gguf')).getByText('Loaded')).toBeTruthy();
    await act(async () => fireEvent.click(within(rowOf('a.gguf')).getByRole('button', { name: 'Unload' })));
    expect(fake().callsOf('unloadModel')).toHaveLength(1);
    await waitFor(() => expect(within(rowOf('a.gguf')).queryByRole('button', { name: 'Unload' })).toBeNull());
    expect(within(rowOf('a.gguf')).getByRole('button', { name: 'Load' })).toBeTruthy();
  });

  it('deletes a model only after a confirmation that says conversations keep their text', async () => {
    fake().addModel('old.gguf');
    fake().addModel('keep.gguf');
    await renderModels();
    fireEvent.click(within(rowOf('old.gguf')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete old.gguf?' });
    expect(dialog.textContent).toContain('The file is removed');
    expect(dialog.textContent).toContain(`${MODELS_FOLDER}/old.gguf`);
    expect(dialog.textContent).toContain('Conversations that used it keep their text');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake().callsOf('deleteModel')).toEqual([]);

    fireEvent.click(within(rowOf('old.gguf')).getByRole('button', { name: 'Delete' }));
    await act(async () =>
      fireEvent.click(within(screen.getByRole('alertdialog', { name: 'Delete old.gguf?' })).getByRole('button', { name: 'Delete' })),
    );
    expect(fake().callsOf('deleteModel')).toEqual([{ modelId: 'sha-old.gguf' }]);
    await waitFor(() => expect(within(installed()).queryByText('old.gguf')).toBeNull());
    expect(within(installed()).getByText('keep.gguf')).toBeTruthy();
  });

  it('says why a delete failed', async () => {
    fake().addModel('busy.gguf');
    fake().fail('deleteModel', 'the file is in use', 'CONFLICT');
    await renderModels();
    fireEvent.click(within(rowOf('busy.gguf')).getByRole('button', { name: 'Delete' }));
    await act(async () => fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' })));
    expect(within(rowOf('busy.gguf')).getByRole('alert').textContent).toContain('Could not delete the model: the file is in use');
  });

  it('disables changing actions while disconnected', async () => {
    fake().addModel('a.gguf');
    await renderModels();
    act(() => setConnection('reconnecting'));
    expect((within(rowOf('a.gguf')).getByRole('button', { name: 'Delete' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers Show in folder in the desktop app only', async () => {
    fake().appInfo = { ...fake().appInfo, host: 'electron' };
    fake().addModel('a.gguf');
    await renderModels();
    await act(async () => fireEvent.click(within(rowOf('a.gguf')).getByRole('button', { name: 'Show in folder' })));
    expect(fake().callsOf('showModelInFolder')).toEqual([{ modelId: 'sha-a.gguf' }]);
    expect(fake().shownInFolder).toEqual([`${MODELS_FOLDER}/a.gguf`]);
  });

  it('has no Show in folder under tern serve', async () => {
    fake().addModel('a.gguf');
    await renderModels();
    expect(within(rowOf('a.gguf')).queryByRole('button', { name: 'Show in folder' })).toBeNull();
  });

  describe('catalog', () => {
    it('shows each entry with its facts, fit label and a Download button; the recommended one is marked', async () => {
      fake().catalog = [
        { ...SAMPLE_CATALOG_ENTRY, recommended: false, repo: 'big/model-gguf', file: 'big.gguf', name: 'Big One', parameters: 100, license: 'Apache-2.0' },
        SAMPLE_CATALOG_ENTRY,
      ];
      fake().downloadFits.set('big/model-gguf/big.gguf', makeFit('too-large', { label: 'Too large: needs 60 GB, 12 GB available' }));
      await renderModels();
      const catalog = await screen.findByRole('list', { name: 'Catalog' });
      const [first, second] = within(catalog).getAllByRole('listitem');
      expect(first!.textContent).toContain('BitNet b1.58 2B4T');
      expect(within(first!).getByText('Recommended')).toBeTruthy();
      expect(first!.textContent).toContain('2.4B parameters');
      expect(first!.textContent).toContain('4,096 tokens context');
      expect(first!.textContent).toContain('MIT license');
      expect(await within(first!).findByText(/^Fits: needs 1.4 GB of 12 GB available$/)).toBeTruthy();
      expect(await within(first!).findByText('1.2 GB')).toBeTruthy();
      expect(within(second!).queryByText('Recommended')).toBeNull();
      expect(second!.textContent).toContain('100B parameters');
      expect(await within(second!).findByText('Too large: needs 60 GB, 12 GB available')).toBeTruthy();
      expect(fake().callsOf('checkDownloadFit')).toEqual(
        expect.arrayContaining([{ source: `${SAMPLE_CATALOG_ENTRY.repo}/${SAMPLE_CATALOG_ENTRY.file}` }, { source: 'big/model-gguf/big.gguf' }]),
      );

      await act(async () => fireEvent.click(within(first!).getByRole('button', { name: 'Download' })));
      expect(fake().callsOf('addDownload')).toEqual([{ source: `${SAMPLE_CATALOG_ENTRY.repo}/${SAMPLE_CATALOG_ENTRY.file}` }]);
      await waitFor(() => expect(within(first!).queryByRole('button', { name: 'Download' })).toBeNull());
      expect(within(first!).getByText('Queued')).toBeTruthy();
      expect(within(screen.getByRole('list', { name: 'Downloads' })).getByText('ggml-model-i2_s.gguf')).toBeTruthy();

      // Too large: a second confirmation, then override.
      await act(async () => fireEvent.click(within(second!).getByRole('button', { name: 'Download' })));
      expect(fake().callsOf('addDownload')).toHaveLength(1);
      await act(async () => fireEvent.click(within(second!).getByRole('button', { name: 'Download anyway' })));
      expect(fake().callsOf('addDownload')[1]).toEqual({ source: 'big/model-gguf/big.gguf', override: true });
    });

    it('says Installed for an entry already downloaded', async () => {
      fake().catalog = [SAMPLE_CATALOG_ENTRY];
      fake().addModel('ggml-model-i2_s.gguf', { origin: `${SAMPLE_CATALOG_ENTRY.repo}/${SAMPLE_CATALOG_ENTRY.file}`, verified: true });
      await renderModels();
      const catalog = await screen.findByRole('list', { name: 'Catalog' });
      expect(within(catalog).getByText('Installed')).toBeTruthy();
      expect(within(catalog).queryByRole('button', { name: 'Download' })).toBeNull();
    });
  });

  describe('import', () => {
    it('imports a local file by copy or link', async () => {
      fake().localFiles.set('/home/me/model.gguf', { sizeBytes: 900_000_000, problem: null });
      await renderModels();
      const box = screen.getByRole('textbox', { name: 'Model file path' });
      fireEvent.change(box, { target: { value: '/home/me/model.gguf' } });
      fireEvent.click(screen.getByRole('radio', { name: 'Use it where it is (link)' }));
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Import' })));
      expect(fake().callsOf('importModel')).toEqual([{ path: '/home/me/model.gguf', mode: 'link' }]);
      expect(screen.getByText('Imported model.gguf: used where it is.')).toBeTruthy();
      await waitFor(() => expect(within(installed()).getByText('model.gguf')).toBeTruthy());
    });

    it('shows the refusal when the engine cannot run the file', async () => {
      fake().localFiles.set('/home/me/llama.gguf', { sizeBytes: 900_000_000, problem: 'llama is not a ternary architecture' });
      await renderModels();
      fireEvent.change(screen.getByRole('textbox', { name: 'Model file path' }), { target: { value: '/home/me/llama.gguf' } });
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Import' })));
      expect(screen.getByRole('alert').textContent).toContain('llama is not a ternary architecture');
    });

    it('fills the path from the file dialog in the desktop app', async () => {
      fake().appInfo = { ...fake().appInfo, host: 'electron' };
      fake().chosenModelFile = '/home/me/picked.gguf';
      await renderModels();
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Choose file…' })));
      expect((screen.getByRole('textbox', { name: 'Model file path' }) as HTMLInputElement).value).toBe('/home/me/picked.gguf');
    });

    it('has no file dialog under tern serve', async () => {
      await renderModels();
      expect(screen.queryByRole('button', { name: 'Choose file…' })).toBeNull();
      expect(screen.getByText(/A path on the computer running tern serve/)).toBeTruthy();
    });

    it('asks for a full path before calling the host', async () => {
      await renderModels();
      fireEvent.change(screen.getByRole('textbox', { name: 'Model file path' }), { target: { value: 'model.gguf' } });
      fireEvent.click(screen.getByRole('button', { name: 'Import' }));
      expect(screen.getByRole('alert').textContent).toContain('Enter a full path');
      expect(fake().callsOf('importModel')).toEqual([]);
    });
  });
});

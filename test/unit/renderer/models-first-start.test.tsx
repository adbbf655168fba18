// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import { ConversationPane } from '../../../renderer/src/features/chat';
import { loadConversations, loadMessages, loadModels, selectConversation, startSync } from '../../../renderer/src/state';
import { makeFit, MODELS_FOLDER, SAMPLE_CATALOG_ENTRY } from './fakeApi';
import { useFakeTern } from './setup';

const SOURCE = `${SAMPLE_CATALOG_ENTRY.repo}/${SAMPLE_CATALOG_ENTRY.file}`;


describe('first start: no model yet', () => {
  const fake = useFakeTern();

  async function renderPane(withConversation: boolean) {
    const c = withConversation ? fake().addConversation('First') : null;
    await act(async () => {
      startSync();
      await Promise.all([loadConversations(), loadModels()]);
    });
    if (c) {
      await act(async () => {
        selectConversation(c.id);
        await loadMessages(c.id);
      });
    }
    render(<ConversationPane />);
  }

  it('offers the recommended download with its size and fit label, keeping the folder text', async () => {
    fake().catalog = [{ ...SAMPLE_CATALOG_ENTRY, recommended: false, name: 'Other', file: 'other.gguf' }, SAMPLE_CATALOG_ENTRY];
    await renderPane(true);
    const note = screen.getByRole('note', { name: 'No model files' });
    const button = await within(note).findByRole('button', { name: 'Download BitNet b1.58 2B4T' });
    expect(within(note).queryByRole('button', { name: 'Download Other' })).toBeNull();
    expect(await within(note).findByText('Fits: needs 1.4 GB of 12 GB available')).toBeTruthy();
    expect(within(note).getByText('1.2 GB')).toBeTruthy();
    expect(note.textContent).toContain(MODELS_FOLDER);
    expect(note.textContent).toContain('tern serve --model FILE');
    expect(fake().callsOf('checkDownloadFit')).toEqual([{ source: SOURCE }]);

    await act(async () => fireEvent.click(button));
    expect(fake().callsOf('addDownload')).toEqual([{ source: SOURCE }]);
    const bar = await within(note).findByRole('progressbar', { name: 'ggml-model-i2_s.gguf' });
    expect(note.textContent).toContain('Queued');

    act(() => {
      fake().updateDownload(fake().downloads[0]!.id, { state: 'downloading', receivedBytes: 595_000_000, totalBytes: 1_190_000_000, bytesPerSecond: 20_000_000, etaSeconds: 30 });
    });
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
    expect(note.textContent).toContain('20 MB/s');

    // Done: the model arrives and the notice goes.
    act(() => {
      fake().addModel('ggml-model-i2_s.gguf', { origin: SOURCE, verified: true });
      fake().emitEvent('modelsChanged', { folder: MODELS_FOLDER, models: fake().models, scanning: false, defaultModelId: null });
    });
    await waitFor(() => expect(screen.queryByRole('note', { name: 'No model files' })).toBeNull());
  });

  it('asks again before downloading a recommended model that is too large here', async () => {
    fake().catalog = [SAMPLE_CATALOG_ENTRY];
    fake().downloadFits.set(SOURCE, makeFit('too-large', { label: 'Too large: needs 1.4 GB, 1 GB available' }));
    await renderPane(false);
    const note = screen.getByRole('note', { name: 'No model files' });
    expect(await within(note).findByText('Too large: needs 1.4 GB, 1 GB available')).toBeTruthy();
    await act(async () => fireEvent.click(within(note).getByRole('button', { name: 'Download BitNet b1.58 2B4T' })));
    expect(fake().callsOf('addDownload')).toEqual([]);
    await act(async () => fireEvent.click(within(note).getByRole('button', { name: 'Download anyway' })));
    expect(fake().callsOf('addDownload')).toEqual([{ source: SOURCE, override: true }]);
  });

  it('opens the Models view from the notice', async () => {
    fake().catalog = [SAMPLE_CATALOG_ENTRY];
    render(<App />);
    await act(async () => {
      startSync();
    });
    const note = await screen.findByRole('note', { name: 'No model files' });
    fireEvent.click(within(note).getByRole('button', { name: 'Open Models' }));
    expect(await screen.findByRole('heading', { name: 'Models', level: 2 })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Models' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('shows no offer when the catalog is empty or cannot be read', async () => {
    fake().fail('listCatalog', 'catalog missing');
    await renderPane(false);
    const note = screen.getByRole('note', { name: 'No model files' });
    await waitFor(() => expect(fake().callsOf('listCatalog')).toHaveLength(1));
    expect(within(note).queryByRole('button', { name: /^Download / })).toBeNull();
    expect(within(note).getByRole('button', { name: 'Check again' })).toBeTruthy();
  });
});

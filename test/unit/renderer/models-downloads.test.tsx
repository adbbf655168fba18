// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ModelsPanel } from '../../../renderer/src/features/models';
import { loadEngineStatus, loadModels, startSync } from '../../../renderer/src/state';
import { makeFit } from './fakeApi';
import { useFakeTern } from './setup';

const HUB = { kind: 'hub', repo: 'microsoft/bitnet-b1.58-2B-4T-gguf', revision: 'main' } as const;

async function renderModels() {
  await act(async () => {
    startSync();
    await Promise.all([loadModels(), loadEngineStatus()]);
  });
  render(<ModelsPanel onClose={() => {}} />);
  await screen.findByText(/No downloads|Reading the catalog|The catalog is empty/);
  await waitFor(() => expect(screen.queryByText('Reading the downloads…')).toBeNull());
}

const downloads = () => screen.getByRole('list', { name: 'Downloads' });
const itemOf = (fileName: string) => {
  const item = within(downloads())
    .getAllByRole('listitem')
    .find((li) => within(li).queryByRole('progressbar', { name: fileName }));
  if (!item) throw new Error(`no download ${fileName}`);
  return item;
};
const buttonsIn = (item: HTMLElement) => within(item).queryAllByRole('button').map((b) => b.textContent);
const urlBox = () => screen.getByRole('textbox', { name: 'Model URL or repository' }) as HTMLInputElement;
const addButton = () => screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement;

async function add(text: string) {
  fireEvent.change(urlBox(), { target: { value: text } });
  await act(async () => fireEvent.click(addButton()));
}

describe('Models view: downloads', () => {
  const fake = useFakeTern();

  it('shows each download with a progress bar named after its file, bytes, speed and time left', async () => {
    fake().addDownloadEntry(
      { ...HUB, file: 'ggml-model-i2_s.gguf' },
      { state: 'downloading', receivedBytes: 540_000_000, totalBytes: 1_200_000_000, bytesPerSecond: 12_000_000, etaSeconds: 180 },
    );
    fake().addDownloadEntry({ kind: 'url', url: 'https://example.com/models/other.gguf' }, { state: 'downloading', receivedBytes: 3_000_000 });
    await renderModels();

    const bar = within(downloads()).getByRole('progressbar', { name: 'ggml-model-i2_s.gguf' });
    expect(bar.getAttribute('aria-valuenow')).toBe('45');
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(bar.getAttribute('aria-valuetext')).toBe('45% (540 MB of 1.2 GB)');
    const item = itemOf('ggml-model-i2_s.gguf');
    expect(item.textContent).toContain('Downloading');
    expect(item.textContent).toContain('540 MB of 1.2 GB');
    expect(item.textContent).toContain('12 MB/s');
    expect(item.textContent).toContain('3 min left');
    expect(item.textContent).toContain('microsoft/bitnet-b1.58-2B-4T-gguf');

    // Unknown size: no value, only what came.
    const other = within(downloads()).getByRole('progressbar', { name: 'other.gguf' });
    expect(other.getAttribute('aria-valuenow')).toBeNull();
    expect(other.getAttribute('aria-valuetext')).toBe('3 MB received');

    // Progress events move the bar.
    act(() => {
      fake().updateDownload(fake().downloads[0]!.id, { receivedBytes: 900_000_000, etaSeconds: 30 });
    });
    expect(bar.getAttribute('aria-valuenow')).toBe('75');
    expect(itemOf('ggml-model-i2_s.gguf').textContent).toContain('30 s left');
  });

  it('says each state in words and offers the buttons that apply', async () => {
    const total = { totalBytes: 1_000_000_000 };
    fake().addDownloadEntry({ ...HUB, file: 'queued.gguf' }, { ...total });
    fake().addDownloadEntry({ ...HUB, file: 'running.gguf' }, { ...total, state: 'downloading', receivedBytes: 1 });
    fake().addDownloadEntry({ ...HUB, file: 'paused.gguf' }, { ...total, state: 'paused', error: 'the disk is full: free 2 GB' });
    fake().addDownloadEntry({ ...HUB, file: 'verifying.gguf' }, { ...total, state: 'verifying', receivedBytes: 1_000_000_000 });
    fake().addDownloadEntry({ ...HUB, file: 'failed.gguf' }, { ...total, state: 'failed', error: 'the sha256 does not match' });
    fake().addDownloadEntry({ ...HUB, file: 'verified.gguf' }, { ...total, state: 'done', verified: true, receivedBytes: 1_000_000_000 });
    fake().addDownloadEntry({ kind: 'url', url: 'https://example.com/plain.gguf' }, { ...total, state: 'done', verified: false });
    await renderModels();

    expect(itemOf('queued.gguf').textContent).toContain('Queued');
    expect(buttonsIn(itemOf('queued.gguf'))).toEqual(['Pause', 'Cancel']);
    expect(buttonsIn(itemOf('running.gguf'))).toEqual(['Pause', 'Cancel']);
    expect(itemOf('paused.gguf').textContent).toContain('Paused: the disk is full: free 2 GB');
    expect(buttonsIn(itemOf('paused.gguf'))).toEqual(['Resume', 'Cancel']);
    expect(itemOf('verifying.gguf').textContent).toContain('Verifying…');
    expect(buttonsIn(itemOf('verifying.gguf'))).toEqual(['Cancel']);
    expect(itemOf('failed.gguf').textContent).toContain('Failed: the sha256 does not match');
    expect(buttonsIn(itemOf('failed.gguf'))).toEqual(['Resume', 'Cancel']);
    expect(itemOf('verified.gguf').textContent).toContain('Done — verified');
    expect(buttonsIn(itemOf('verified.gguf'))).toEqual(['Clear']);
    expect(within(itemOf('verified.gguf')).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(itemOf('plain.gguf').textContent).toContain('Done — unverified');
  });

  it('pauses, resumes, cancels and clears through the host', async () => {
    const running = fake().addDownloadEntry({ ...HUB, file: 'a.gguf' }, { state: 'downloading', totalBytes: 10, receivedBytes: 5 });
    const done = fake().addDownloadEntry({ ...HUB, file: 'b.gguf' }, { state: 'done', verified: true, totalBytes: 10, receivedBytes: 10 });
    await renderModels();

    await act(async () => fireEvent.click(within(itemOf('a.gguf')).getByRole('button', { name: 'Pause' })));
    expect(fake().callsOf('pauseDownload')).toEqual([{ id: running.id }]);
    expect(itemOf('a.gguf').textContent).toContain('Paused');

    await act(async () => fireEvent.click(within(itemOf('a.gguf')).getByRole('button', { name: 'Resume' })));
    expect(fake().callsOf('resumeDownload')).toEqual([{ id: running.id }]);
    expect(itemOf('a.gguf').textContent).toContain('Queued');

    await act(async () => fireEvent.click(within(itemOf('a.gguf')).getByRole('button', { name: 'Cancel' })));
    expect(fake().callsOf('cancelDownload')).toEqual([{ id: running.id }]);
    expect(within(downloads()).queryByRole('progressbar', { name: 'a.gguf' })).toBeNull();

    await act(async () => fireEvent.click(within(itemOf('b.gguf')).getByRole('button', { name: 'Clear' })));
    expect(fake().callsOf('removeDownload')).toEqual([{ id: done.id }]);
    expect(await screen.findByText('No downloads')).toBeTruthy();
  });

  it('says why a download action failed', async () => {
    fake().addDownloadEntry({ ...HUB, file: 'a.gguf' }, { state: 'downloading' });
    fake().failOnce('pauseDownload', 'the download has just finished', 'CONFLICT');
    await renderModels();
    await act(async () => fireEvent.click(within(itemOf('a.gguf')).getByRole('button', { name: 'Pause' })));
    expect(screen.getByRole('alert').textContent).toContain('Could not pause the download: the download has just finished');
  });
});

describe('Models view: the add box', () => {
  const fake = useFakeTern();

  it('adds owner/repo/file.gguf after a fit check and shows the fit label', async () => {
    await renderModels();
    await add('microsoft/bitnet-b1.58-2B-4T-gguf/ggml-model-i2_s.gguf');
    expect(fake().callsOf('checkDownloadFit')).toContainEqual({ source: 'microsoft/bitnet-b1.58-2B-4T-gguf/ggml-model-i2_s.gguf' });
    expect(fake().callsOf('addDownload')).toEqual([{ source: 'microsoft/bitnet-b1.58-2B-4T-gguf/ggml-model-i2_s.gguf' }]);
    const status = screen.getByRole('status');
    expect(status.textContent).toContain('Added ggml-model-i2_s.gguf to the downloads.');
    expect(status.textContent).toContain('Fits: needs 1.4 GB of 12 GB available');
    expect(urlBox().value).toBe('');
    expect(within(downloads()).getByRole('progressbar', { name: 'ggml-model-i2_s.gguf' })).toBeTruthy();
  });

  it('lists the .gguf files of owner/repo with their sizes, then adds the chosen one', async () => {
    fake().repoFiles.set('someone/ternary-gguf', [
      { path: 'README.md', sizeBytes: 2_000, sha256: null },
      { path: 'model-i2_s.gguf', sizeBytes: 1_190_000_000, sha256: 'a'.repeat(64) },
      { path: 'quants/model-tq2_0.gguf', sizeBytes: 860_000_000, sha256: 'b'.repeat(64) },
    ]);
    await renderModels();
    await add('someone/ternary-gguf');
    expect(fake().callsOf('listRepoFiles')).toEqual([{ repo: 'someone/ternary-gguf' }]);
    expect(fake().callsOf('addDownload')).toEqual([]);
    const group = screen.getByRole('radiogroup', { name: 'Files in someone/ternary-gguf' });
    const radios = within(group).getAllByRole('radio') as HTMLInputElement[];
    expect(radios).toHaveLength(2);
    expect(group.textContent).toContain('1.2 GB');
    expect(group.textContent).toContain('860 MB');
    expect(group.textContent).not.toContain('README.md');
    expect(radios[0]!.checked).toBe(true);

    fireEvent.click(within(group).getByRole('radio', { name: /model-tq2_0\.gguf/ }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add selected file' })));
    expect(fake().callsOf('checkDownloadFit')).toContainEqual({ source: 'someone/ternary-gguf', file: 'quants/model-tq2_0.gguf' });
    expect(fake().callsOf('addDownload')).toEqual([{ source: 'someone/ternary-gguf', file: 'quants/model-tq2_0.gguf' }]);
    expect(screen.queryByRole('radiogroup', { name: 'Files in someone/ternary-gguf' })).toBeNull();
    expect(within(downloads()).getByRole('progressbar', { name: 'model-tq2_0.gguf' })).toBeTruthy();
  });

  it('needs "Download anyway" for a too-large model, which passes override', async () => {
    fake().downloadFits.set('big/huge-gguf/huge.gguf', makeFit('too-large', { label: 'Too large: needs 40 GB, 12 GB available', problems: ['needs 40 GB of memory'] }));
    await renderModels();
    await add('big/huge-gguf/huge.gguf');
    expect(fake().callsOf('addDownload')).toEqual([]);
    expect(screen.getByText('Too large: needs 40 GB, 12 GB available')).toBeTruthy();
    expect(screen.getByText('needs 40 GB of memory')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Download anyway' })));
    expect(fake().callsOf('addDownload')).toEqual([{ source: 'big/huge-gguf/huge.gguf', override: true }]);
    expect(screen.getByRole('status').textContent).toContain('Added huge.gguf to the downloads.');
  });

  it("can say no to a too-large model", async () => {
    fake().downloadFits.set('big/huge-gguf/huge.gguf', makeFit('too-large'));
    await renderModels();
    await add('big/huge-gguf/huge.gguf');
    fireEvent.click(screen.getByRole('button', { name: "Don't download" }));
    expect(screen.queryByRole('button', { name: 'Download anyway' })).toBeNull();
    expect(fake().callsOf('addDownload')).toEqual([]);
  });

  it('adds a tight model at once, with the warning', async () => {
    fake().downloadFits.set('https://example.com/tight.gguf', makeFit('tight', { label: 'Tight: needs 11 GB of 12 GB available', problems: ['little memory would be left'] }));
    await renderModels();
    await add('https://example.com/tight.gguf');
    expect(fake().callsOf('addDownload')).toEqual([{ source: 'https://example.com/tight.gguf' }]);
    const status = screen.getByRole('status');
    expect(status.textContent).toContain('Tight: needs 11 GB of 12 GB available');
    expect(status.textContent).toContain('little memory would be left');
  });

  it('says what is wrong with the input, next to the box, without calling the host', async () => {
    await renderModels();
    await add('just-a-name');
    expect(screen.getByRole('alert').textContent).toContain('owner/repo');
    await add('owner/repo/readme.md');
    expect(screen.getByRole('alert').textContent).toContain('.gguf');
    await add('ftp://example.com/model.gguf');
    expect(screen.getByRole('alert').textContent).toContain('https://');
    expect(fake().callsOf('listRepoFiles')).toEqual([]);
    expect(fake().callsOf('checkDownloadFit')).toEqual([]);
    expect(urlBox().getAttribute('aria-invalid')).toBe('true');
  });

  it("shows the host's errors: a gated repo needs a token, a repo that is not there", async () => {
    fake().failOnce('listRepoFiles', 'meta/gated is gated or private: it needs a Hugging Face token (set HF_TOKEN, or save one in Settings)', 'FORBIDDEN');
    await renderModels();
    await add('meta/gated');
    expect(screen.getByRole('alert').textContent).toContain('it needs a Hugging Face token');

    await add('nobody/nothing');
    expect(screen.getByRole('alert').textContent).toContain('no repository nobody/nothing on the hub');

    fake().failOnce('checkDownloadFit', 'owner/repo has no file x.gguf at main', 'NOT_FOUND');
    await add('owner/repo/x.gguf');
    expect(screen.getByRole('alert').textContent).toContain('owner/repo has no file x.gguf at main');
    expect(fake().callsOf('addDownload')).toEqual([]);
  });
});

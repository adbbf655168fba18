import type { Download, DownloadList, Fit, RepoFile, Unsubscribe } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';
import { checkDownloadFit } from './catalog';
import { following } from './following';

const { setState } = useTernStore;

/** Loads the downloads (the Models view and the first-start offer show them). */
export async function loadDownloads(): Promise<void> {
  setState((s) => ({ downloadsStatus: s.downloadsStatus === 'ready' ? 'ready' : 'loading', downloadsError: null }));
  try {
    setDownloadList(await getStoreApi().listDownloads({}));
  } catch (error) {
    setState({ downloadsStatus: 'error', downloadsError: describeError(error) });
  }
}

/** The whole list, from a call or a downloadsChanged event. */
export function setDownloadList(downloadList: DownloadList): void {
  setState({ downloadList, downloadsStatus: 'ready', downloadsError: null });
}

const downloads = following(() => {
  const stop = getStoreApi().on.downloadsChanged(setDownloadList);
  void loadDownloads();
  return stop;
});

/**
 * Keeps the downloads current while something shows them (the Models view, the first-start
 * offer): the first follower loads the list and listens to downloadsChanged (progress comes a
 * few times a second), the last one to stop ends the listening. Returns the stop.
 */
export function followDownloads(): Unsubscribe {
  return downloads.follow();
}

/** Loads the downloads again if something follows them (after a reconnect). */
export function refreshDownloads(): void {
  if (downloads.active()) void loadDownloads();
}

/** A download a call answered with, put in the list in its place (or added at the end). */
function upsertDownload(download: Download): void {
  setState((s) => {
    const list = s.downloadList ?? { downloads: [], parallel: 1 };
    const known = list.downloads.some((d) => d.id === download.id);
    const downloads = known ? list.downloads.map((d) => (d.id === download.id ? download : d)) : [...list.downloads, download];
    return { downloadList: { ...list, downloads }, downloadsStatus: 'ready' };
  });
}

function dropDownload(id: string): void {
  setState((s) => (s.downloadList ? { downloadList: { ...s.downloadList, downloads: s.downloadList.downloads.filter((d) => d.id !== id) } } : {}));
}

async function downloadAction(what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    setState({ downloadActionError: null });
  } catch (error) {
    setState({ downloadActionError: `Could not ${what}: ${describeError(error)}` });
  }
}

export const pauseDownload = (id: string) =>
  downloadAction('pause the download', async () => upsertDownload(await getStoreApi().pauseDownload({ id })));

export const resumeDownload = (id: string) =>
  downloadAction('resume the download', async () => upsertDownload(await getStoreApi().resumeDownload({ id })));

/** Stops a download and deletes its partial file; it leaves the list. */
export const cancelDownload = (id: string) =>
  downloadAction('cancel the download', async () => dropDownload((await getStoreApi().cancelDownload({ id })).id));

/** Takes a finished download off the list (the model stays). */
export const clearDownload = (id: string) =>
  downloadAction('clear the download', async () => dropDownload((await getStoreApi().removeDownload({ id })).id));

export function dismissDownloadError(): void {
  setState({ downloadActionError: null });
}

/** What a download asks for: owner/repo/file, owner/repo with a file, or a URL. */
export interface DownloadRequest {
  source: string;
  file?: string;
}

/**
 * What asking for a download came to: added (with the fit, which may be 'tight'), held back as
 * too large for this machine (ask again with override), or an error to show.
 */
export type DownloadOutcome =
  | { kind: 'added'; download: Download; fit: Fit }
  | { kind: 'too-large'; fit: Fit }
  | { kind: 'error'; error: string };

/**
 * Checks the fit first (the file's header, fetched by the host) and adds the download unless
 * it is too large; override: add it anyway (the user confirmed).
 */
export async function requestDownload(request: DownloadRequest, override = false): Promise<DownloadOutcome> {
  const checked = await checkDownloadFit(request);
  if (!checked.ok) return { kind: 'error', error: checked.error };
  const { fit } = checked;
  if (fit.verdict === 'too-large' && !override) return { kind: 'too-large', fit };
  try {
    const download = await getStoreApi().addDownload({
      source: request.source,
      ...(request.file ? { file: request.file } : {}),
      ...(override ? { override: true } : {}),
    });
    upsertDownload(download);
    return { kind: 'added', download, fit };
  } catch (error) {
    return { kind: 'error', error: `Could not add the download: ${describeError(error)}` };
  }
}

export type RepoFilesOutcome = { ok: true; files: RepoFile[] } | { ok: false; error: string };

/** The .gguf files of a hub repo, to choose one. */
export async function listRepoGgufFiles(repo: string): Promise<RepoFilesOutcome> {
  try {
    const { files } = await getStoreApi().listRepoFiles({ repo });
    return { ok: true, files: files.filter((f) => /\.gguf$/i.test(f.path)) };
  } catch (error) {
    return { ok: false, error: `Could not list the files of ${repo}: ${describeError(error)}` };
  }
}

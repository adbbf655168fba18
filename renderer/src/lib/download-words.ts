/** A download said in words: its state, its bytes, its speed and time left, where it comes from. */
import type { Download } from './contract';
import { formatBytes, formatEta, formatSpeed } from './format';

/** "Queued", "Downloading", "Paused: disk full", "Verifying…", "Failed: …", "Done — verified". */
export function downloadStateText(download: Download): string {
  switch (download.state) {
    case 'queued':
      return 'Queued';
    case 'downloading':
      return 'Downloading';
    case 'paused':
      return download.error ? `Paused: ${download.error}` : 'Paused';
    case 'verifying':
      return 'Verifying…';
    case 'failed':
      return `Failed: ${download.error ?? 'something went wrong'}`;
    case 'done':
      return download.verified === true ? 'Done — verified' : download.verified === false ? 'Done — unverified' : 'Done';
  }
}

/** Percent done (0–100, whole), or null while the size is unknown. */
export function downloadPercent(download: Download): number | null {
  if (download.state === 'done') return 100;
  if (download.totalBytes === null || download.totalBytes <= 0) return null;
  return Math.min(100, Math.floor((download.receivedBytes / download.totalBytes) * 100));
}

/** "540 MB of 1.2 GB", or "540 MB" while the size is unknown. */
export function downloadBytesText(download: Download): string {
  const received = formatBytes(download.receivedBytes);
  return download.totalBytes === null ? received : `${received} of ${formatBytes(download.totalBytes)}`;
}

/** "12 MB/s · 3 min left" while downloading; what is not known is left out. */
export function downloadSpeedText(download: Download): string | null {
  if (download.state !== 'downloading') return null;
  const parts: string[] = [];
  if (download.bytesPerSecond !== null) parts.push(formatSpeed(download.bytesPerSecond));
  if (download.etaSeconds !== null) parts.push(`${formatEta(download.etaSeconds)} left`);
  return parts.length ? parts.join(' · ') : null;
}

/** "owner/repo" (with the revision when not main), or the URL. */
export function downloadSourceText(download: Download): string {
  const { source } = download;
  if (source.kind === 'url') return source.url;
  return source.revision && source.revision !== 'main' ? `${source.repo} @ ${source.revision}` : source.repo;
}

/** Whether a download is for this repo file. */
export function isDownloadOf(download: Download, repo: string, file: string): boolean {
  return download.source.kind === 'hub' && download.source.repo === repo && download.source.file === file;
}

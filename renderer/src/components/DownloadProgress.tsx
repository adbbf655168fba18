import type { Download } from '../lib/contract';
import { downloadBytesText, downloadPercent } from '../lib/download-words';

/** A download's progress bar, named after its file; indeterminate while the size is unknown. */
export function DownloadProgress({ download }: { download: Download }) {
  const percent = downloadPercent(download);
  const bytes = downloadBytesText(download);
  const busy = download.state === 'downloading' || download.state === 'verifying' || download.state === 'queued';
  return (
    <div
      className={`progress progress-${download.state}${percent === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={download.fileName}
      aria-valuemin={percent === null ? undefined : 0}
      aria-valuemax={percent === null ? undefined : 100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={percent === null ? `${bytes} received` : `${percent}% (${bytes})`}
      aria-busy={busy || undefined}
    >
      <div className="progress-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
    </div>
  );
}

import { DismissibleError } from '../../../components/DismissibleError';
import { DownloadProgress } from '../../../components/DownloadProgress';
import { Icon } from '../../../components/Icon';
import type { Download } from '../../../lib/contract';
import { downloadBytesText, downloadSourceText, downloadSpeedText, downloadStateText } from '../../../lib/download-words';
import {
  cancelDownload,
  clearDownload,
  dismissDownloadError,
  loadDownloads,
  pauseDownload,
  resumeDownload,
  useCanChange,
  useDownloadsState,
} from '../../../state';

/** The downloads: progress, speed and time left, and what can be done with each. */
export function DownloadsList() {
  const { list, status, error, actionError } = useDownloadsState();
  const downloads = list?.downloads ?? [];
  return (
    <>
      <DismissibleError message={actionError} onDismiss={dismissDownloadError} className="models-notice" />
      {status === 'error' && !list && (
        <div className="notice notice-error models-notice" role="alert">
          <span>Could not read the downloads: {error}</span>
          <button type="button" className="button" onClick={() => void loadDownloads()}>
            Try again
          </button>
        </div>
      )}
      {!list && status !== 'error' && <p className="models-empty">Reading the downloads…</p>}
      {list && downloads.length === 0 && <p className="models-empty">No downloads</p>}
      {downloads.length > 0 && (
        <ul className="download-list" aria-label="Downloads">
          {downloads.map((download) => (
            <DownloadItem key={download.id} download={download} />
          ))}
        </ul>
      )}
    </>
  );
}

function DownloadItem({ download }: { download: Download }) {
  const canChange = useCanChange();
  const { state } = download;
  const speed = downloadSpeedText(download);
  const problem = state === 'failed' || (state === 'paused' && download.error);
  return (
    <li className={`download-item download-${state}`}>
      <div className="download-head">
        <div className="download-names">
          <span className="download-file">{download.fileName}</span>
          <span className="download-source">{downloadSourceText(download)}</span>
        </div>
        <div className="download-actions">
          {(state === 'queued' || state === 'downloading') && (
            <button type="button" className="button button-small" disabled={!canChange} onClick={() => void pauseDownload(download.id)}>
              <Icon name="pause" />
              Pause
            </button>
          )}
          {(state === 'paused' || state === 'failed') && (
            <button type="button" className="button button-small" disabled={!canChange} onClick={() => void resumeDownload(download.id)}>
              <Icon name="play" />
              Resume
            </button>
          )}
          {state !== 'done' && (
            <button type="button" className="button button-small" disabled={!canChange} onClick={() => void cancelDownload(download.id)}>
              <Icon name="close" />
              Cancel
            </button>
          )}
          {state === 'done' && (
            <button type="button" className="button button-small" disabled={!canChange} onClick={() => void clearDownload(download.id)}>
              <Icon name="check" />
              Clear
            </button>
          )}
        </div>
      </div>
      <DownloadProgress download={download} />
      <p className="download-status">
        <span className={problem ? 'download-state download-problem' : 'download-state'}>{downloadStateText(download)}</span>
        <span className="download-bytes">{downloadBytesText(download)}</span>
        {speed && <span className="download-speed">{speed}</span>}
      </p>
    </li>
  );
}

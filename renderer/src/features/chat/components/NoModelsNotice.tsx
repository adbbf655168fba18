import { useEffect, useState } from 'react';
import { DownloadProgress } from '../../../components/DownloadProgress';
import { FitLabel } from '../../../components/FitLabel';
import { Icon } from '../../../components/Icon';
import { TooLargeConfirm } from '../../../components/TooLargeConfirm';
import { useCatalogEntry } from '../../../components/useCatalogEntry';
import type { CatalogEntry } from '../../../lib/contract';
import { downloadSpeedText, downloadStateText } from '../../../lib/download-words';
import {
  ensureCatalog,
  followDownloads,
  rescanModels,
  resumeDownload,
  showView,
  useCanChange,
  useCatalogState,
} from '../../../state';
import '../../../styles/models.css';

interface NoModelsNoticeProps {
  folder: string;
  scanning: boolean;
  compact?: boolean;
}

/** Where to put a model file when Tern has none, the recommended download, and a way to look again. */
export function NoModelsNotice({ folder, scanning, compact }: NoModelsNoticeProps) {
  const [checking, setChecking] = useState(false);
  const busy = checking || scanning;
  const canChange = useCanChange();
  const { entries } = useCatalogState();
  const recommended = entries?.find((e) => e.recommended) ?? null;

  useEffect(() => {
    ensureCatalog();
    return followDownloads();
  }, []);

  async function checkAgain() {
    setChecking(true);
    await rescanModels();
    setChecking(false);
  }

  return (
    <div className={compact ? 'no-model compact' : 'no-model'} role="note" aria-label="No model files">
      <Icon name="info" className="no-model-icon" />
      <div className="no-model-text">
        <p className="no-model-title">No model files yet.</p>
        {recommended && <RecommendedOffer entry={recommended} />}
        <p>
          Tern answers with a ternary language model running on this computer. Put a model file (<code>.gguf</code>) in
          the models folder:
        </p>
        <p className="no-model-folder">
          <code>{folder}</code>
        </p>
        <p className="muted">
          To use a file from somewhere else, start Tern with <code>tern serve --model FILE</code>.
        </p>
        <div className="no-model-actions">
          <button type="button" className="button" onClick={() => void checkAgain()} disabled={busy || !canChange}>
            <Icon name="refresh" />
            Check again
          </button>
          <button type="button" className="button button-quiet" onClick={() => showView('models')}>
            <Icon name="box" />
            Open Models
          </button>
          {busy && <span className="muted no-model-scanning">Looking in the folder…</span>}
        </div>
      </div>
    </div>
  );
}

/** The catalog's recommended model, offered as one button (with its size and fit once known). */
function RecommendedOffer({ entry }: { entry: CatalogEntry }) {
  const { source, fit, size, download, flow, start, confirm, reset } = useCatalogEntry(entry);
  const canChange = useCanChange();

  if (download) {
    const speed = downloadSpeedText(download);
    return (
      <div className="no-model-offer" aria-live="polite">
        <p>
          <strong>{entry.name}</strong>: {downloadStateText(download)}
          {speed && <span className="muted"> · {speed}</span>}
        </p>
        <DownloadProgress download={download} />
        {(download.state === 'paused' || download.state === 'failed') && (
          <div className="no-model-offer-row">
            <button type="button" className="button" disabled={!canChange} onClick={() => void resumeDownload(download.id)}>
              <Icon name="play" />
              Resume
            </button>
          </div>
        )}
      </div>
    );
  }

  return (
    <div className="no-model-offer">
      <p>
        Get the recommended model, <strong>{entry.name}</strong>: {entry.description}
      </p>
      <div className="no-model-offer-row">
        <button
          type="button"
          className="button button-primary"
          disabled={!canChange || flow.phase === 'working' || flow.phase === 'too-large'}
          onClick={() => void start({ source })}
        >
          <Icon name="download" />
          Download {entry.name}
        </button>
        {size && <span className="muted">{size}</span>}
      </div>
      <FitLabel state={fit} showProblems={fit?.status === 'ready' && fit.fit.verdict === 'tight'} />
      {flow.phase === 'too-large' && <TooLargeConfirm fit={flow.fit} onConfirm={() => void confirm()} onCancel={reset} disabled={!canChange} />}
      {flow.phase === 'error' && (
        <p className="field-error" role="alert">
          {flow.error}
        </p>
      )}
    </div>
  );
}

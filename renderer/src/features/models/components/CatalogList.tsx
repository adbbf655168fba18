import { FitLabel } from '../../../components/FitLabel';
import { Icon } from '../../../components/Icon';
import { TooLargeConfirm } from '../../../components/TooLargeConfirm';
import { useCatalogEntry } from '../../../components/useCatalogEntry';
import type { CatalogEntry, Download, ModelFile } from '../../../lib/contract';
import { downloadPercent, downloadStateText } from '../../../lib/download-words';
import { formatBillions, formatTokens } from '../../../lib/format';
import { loadCatalog, useCanChange, useCatalogState, useModels } from '../../../state';

/** Whether a model file came from this catalog entry (its origin names the repo and file). */
export function isInstalledFrom(model: ModelFile, entry: CatalogEntry): boolean {
  const origin = model.origin;
  if (!origin) return false;
  return origin === `${entry.repo}/${entry.file}` || (origin.includes(`/${entry.repo}/`) && origin.endsWith(`/${entry.file}`));
}

/** The models Tern offers, each with whether it fits here and a Download button. */
export function CatalogList() {
  const { entries, status, error } = useCatalogState();
  if (status === 'error' && !entries) {
    return (
      <div className="notice notice-error models-notice" role="alert">
        <span>Could not read the catalog: {error}</span>
        <button type="button" className="button" onClick={() => void loadCatalog()}>
          Try again
        </button>
      </div>
    );
  }
  if (!entries) return <p className="models-empty">Reading the catalog…</p>;
  if (entries.length === 0) return <p className="models-empty">The catalog is empty.</p>;
  const sorted = [...entries].sort((a, b) => Number(b.recommended) - Number(a.recommended));
  return (
    <ul className="catalog-list" aria-label="Catalog">
      {sorted.map((entry) => (
        <CatalogItem key={`${entry.repo}/${entry.file}`} entry={entry} />
      ))}
    </ul>
  );
}

function CatalogItem({ entry }: { entry: CatalogEntry }) {
  const { source, fit, size, download, flow, start, confirm, reset } = useCatalogEntry(entry);
  const installed = useModels().some((m) => isInstalledFrom(m, entry));
  const canChange = useCanChange();

  return (
    <li className={entry.recommended ? 'catalog-item recommended' : 'catalog-item'}>
      <div className="catalog-head">
        <div className="catalog-names">
          <span className="catalog-name">{entry.name}</span>
          {entry.recommended && <span className="badge badge-accent">Recommended</span>}
        </div>
        <div className="catalog-action">
          {installed ? (
            <span className="badge badge-yes">
              <Icon name="check" /> Installed
            </span>
          ) : download && download.state !== 'done' ? (
            <span className="catalog-downloading">{downloadingText(download)}</span>
          ) : download ? (
            <span className="badge badge-yes">Downloaded</span>
          ) : (
            <button
              type="button"
              className="button button-small button-primary"
              disabled={!canChange || flow.phase === 'working' || flow.phase === 'too-large'}
              onClick={() => void start({ source })}
            >
              <Icon name="download" />
              Download
            </button>
          )}
        </div>
      </div>
      <p className="catalog-description">{entry.description}</p>
      <p className="catalog-facts">
        <span>{formatBillions(entry.parameters)} parameters</span>
        <span>{formatTokens(entry.contextLength)} context</span>
        <span>{entry.license} license</span>
        {size && <span>{size}</span>}
        <span className="catalog-repo">{source}</span>
      </p>
      <FitLabel state={fit} showProblems={fit?.status === 'ready' && fit.fit.verdict === 'tight'} />
      {flow.phase === 'working' && <p className="muted">Checking and adding…</p>}
      {flow.phase === 'too-large' && <TooLargeConfirm fit={flow.fit} onConfirm={() => void confirm()} onCancel={reset} disabled={!canChange} />}
      {flow.phase === 'error' && (
        <p className="field-error" role="alert">
          {flow.error}
        </p>
      )}
    </li>
  );
}

function downloadingText(download: Download): string {
  const percent = downloadPercent(download);
  const state = downloadStateText(download);
  return download.state === 'downloading' && percent !== null ? `Downloading ${percent}%` : state;
}

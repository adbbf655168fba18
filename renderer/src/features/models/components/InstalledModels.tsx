import { useEffect, useState } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { DismissibleError } from '../../../components/DismissibleError';
import { FitLabel } from '../../../components/FitLabel';
import { Icon } from '../../../components/Icon';
import type { EngineStatus, ModelFile } from '../../../lib/contract';
import { formatBytes, formatKernels, formatParameterCount, formatRelativeTime, formatTokens } from '../../../lib/format';
import {
  deleteModel,
  dismissModelError,
  ensureModelFit,
  loadModel,
  loadModels,
  modelFitKey,
  rescanModels,
  setDefaultModel,
  showModelInFolder,
  unloadModel,
  useAppInfo,
  useCanChange,
  useEngine,
  useFit,
  useModelList,
} from '../../../state';

/** The model files Tern knows of, each with what it is, whether it runs here, and what to do with it. */
export function InstalledModels() {
  const { list, status, error, actionError } = useModelList();
  const engine = useEngine();
  const canChange = useCanChange();
  const [checking, setChecking] = useState(false);

  async function checkAgain() {
    setChecking(true);
    await rescanModels();
    setChecking(false);
  }

  return (
    <>
      <DismissibleError message={actionError} onDismiss={dismissModelError} className="models-notice" />
      {status === 'error' && !list && (
        <div className="notice notice-error models-notice" role="alert">
          <span>Could not read the model list: {error}</span>
          <button type="button" className="button" onClick={() => void loadModels()}>
            Try again
          </button>
        </div>
      )}
      {!list && status !== 'error' && <p className="models-empty">Reading the model list…</p>}
      {list && (
        <div className="models-folder">
          <span className="muted">Models folder</span>
          <code className="path">{list.folder}</code>
          <button
            type="button"
            className="button button-small"
            disabled={checking || list.scanning || !canChange}
            onClick={() => void checkAgain()}
          >
            <Icon name="refresh" />
            Check again
          </button>
          {(checking || list.scanning) && <span className="muted">Looking in the folder…</span>}
        </div>
      )}
      {list && list.models.length === 0 && (
        <div className="models-empty">
          <p className="models-empty-title">No models yet</p>
          <p className="muted">Download one from the catalog below, add a repository, file or URL, or import a file.</p>
        </div>
      )}
      {list && list.models.length > 0 && (
        <ul className="model-list" aria-label="Installed models">
          {list.models.map((model) => (
            <ModelRow key={model.id} model={model} isDefault={list.defaultModelId === model.id} engine={engine} />
          ))}
        </ul>
      )}
    </>
  );
}

function engineHolds(engine: EngineStatus | null, modelId: string): 'ready' | 'loading' | null {
  if (!engine || engine.modelId !== modelId) return null;
  if (engine.state === 'ready') return 'ready';
  if (engine.state === 'loading') return 'loading';
  return null;
}

function ModelRow({ model, isDefault, engine }: { model: ModelFile; isDefault: boolean; engine: EngineStatus | null }) {
  const canChange = useCanChange();
  const desktop = useAppInfo().info?.host === 'electron';
  const runnable = model.problem === null;
  const fit = useFit(modelFitKey(model.id));
  const held = engineHolds(engine, model.id);
  const [confirm, setConfirm] = useState<'delete' | 'load' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (runnable) ensureModelFit(model.id);
  }, [runnable, model.id]);

  async function run(action: () => Promise<{ ok: true } | { ok: false; error: string }>) {
    setBusy(true);
    const outcome = await action();
    setBusy(false);
    setError(outcome.ok ? null : outcome.error);
  }

  function load() {
    if (fit?.status === 'ready' && fit.fit.verdict === 'too-large') setConfirm('load');
    else void loadModel(model.id);
  }

  const title = model.name && model.name !== model.fileName ? model.name : null;

  return (
    <li className={runnable ? 'model-row' : 'model-row model-row-broken'}>
      <div className="model-head">
        <div className="model-names">
          <span className="model-file">{model.fileName}</span>
          {title && <span className="model-name">{title}</span>}
        </div>
        <div className="model-badges">
          {isDefault && <span className="badge badge-accent">Default</span>}
          {held === 'ready' && <span className="badge badge-yes">Loaded</span>}
          {held === 'loading' && <span className="badge">Loading…</span>}
          {model.verified === true && <span className="badge badge-yes">Verified</span>}
          {model.verified === false && <span className="badge badge-warning">Unverified</span>}
        </div>
      </div>
      <dl className="model-facts">
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(model.sizeBytes)}</dd>
        </div>
        <div>
          <dt>Format</dt>
          <dd>{model.weightType ?? 'unknown'}</dd>
        </div>
        {model.parameters !== null && (
          <div>
            <dt>Parameters</dt>
            <dd>{formatParameterCount(model.parameters)}</dd>
          </div>
        )}
        <div>
          <dt>Kernel path</dt>
          <dd>{model.kernels ? formatKernels(model.kernels) : '—'}</dd>
        </div>
        <div>
          <dt>Context</dt>
          <dd>{model.contextLength !== null ? formatTokens(model.contextLength) : 'unknown'}</dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd>{model.lastUsedAt !== null ? formatRelativeTime(model.lastUsedAt) : 'never'}</dd>
        </div>
        {model.origin && (
          <div className="model-origin">
            <dt>From</dt>
            <dd>{model.origin}</dd>
          </div>
        )}
      </dl>
      {runnable ? <FitLabel state={fit} /> : <p className="model-problem">Cannot run: {model.problem}</p>}
      <div className="model-actions">
        {runnable &&
          (held ? (
            <button type="button" className="button button-small" disabled={!canChange} onClick={() => void unloadModel()}>
              Unload
            </button>
          ) : (
            <button type="button" className="button button-small" disabled={!canChange} onClick={load}>
              Load
            </button>
          ))}
        {runnable && (
          <button
            type="button"
            className="button button-small"
            disabled={isDefault || busy || !canChange}
            onClick={() => void run(() => setDefaultModel(model.id))}
          >
            Set as default
          </button>
        )}
        {desktop && (
          <button type="button" className="button button-small" disabled={!canChange} onClick={() => void run(() => showModelInFolder(model.id))}>
            <Icon name="folder" />
            Show in folder
          </button>
        )}
        <button type="button" className="button button-small button-quiet-danger" disabled={busy || !canChange} onClick={() => setConfirm('delete')}>
          <Icon name="trash" />
          Delete
        </button>
      </div>
      {error && (
        <DismissibleError message={error} onDismiss={() => setError(null)} className="models-notice" />
      )}
      {confirm === 'delete' && canChange && (
        <ConfirmDialog
          title={`Delete ${model.fileName}?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void run(() => deleteModel(model.id));
          }}
        >
          <p>
            The file is removed from this computer: <span className="path">{model.path}</span>
          </p>
          <p className="move-detail">Conversations that used it keep their text; to reply again they need another model.</p>
        </ConfirmDialog>
      )}
      {confirm === 'load' && fit?.status === 'ready' && canChange && (
        <ConfirmDialog
          title={`Load ${model.fileName} anyway?`}
          confirmLabel="Load anyway"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void loadModel(model.id, true);
          }}
        >
          <p>{fit.fit.label}</p>
          {fit.fit.problems.map((problem) => (
            <p key={problem} className="move-detail">
              {problem}
            </p>
          ))}
        </ConfirmDialog>
      )}
    </li>
  );
}

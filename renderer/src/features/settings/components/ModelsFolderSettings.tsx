import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { parseFolderPath } from '../../../lib/downloads-form';
import { clearFolderMoveResult, loadModels, moveModelsFolder, useCanChange, useModelsFolder, type FolderMove } from '../../../state';

interface Pending {
  path: string;
  moveFiles: boolean;
}

/** The models folder, and moving it elsewhere (with the model files, or leaving them behind). */
export function ModelsFolderSettings() {
  const { folder, status, error, move } = useModelsFolder();
  const canChange = useCanChange();
  const [path, setPath] = useState('');
  const [moveFiles, setMoveFiles] = useState(true);
  const [pathError, setPathError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const titleId = useId();
  const inputId = useId();
  const radioName = useId();
  const modeId = useId();
  const moving = move.status === 'moving';

  // The outcome of a move is shown until Settings closes; a move under way keeps going.
  useEffect(() => () => clearFolderMoveResult(), []);

  function ask() {
    const parsed = parseFolderPath(path, folder);
    if (!parsed.ok) {
      setPathError(parsed.error);
      return;
    }
    setPathError(null);
    setPending({ path: parsed.value, moveFiles });
  }

  async function confirm() {
    if (!pending) return;
    const { path: target, moveFiles: withFiles } = pending;
    setPending(null);
    await moveModelsFolder(target, withFiles);
  }

  // After a move that worked the field is done with; after one that failed it keeps the path.
  const [seenMove, setSeenMove] = useState(move);
  if (move !== seenMove) {
    setSeenMove(move);
    if (move.status === 'done') setPath('');
  }

  /** Enter asks to move rather than saving the whole form. */
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    if (!moving && canChange) ask();
  }

  return (
    <div className="settings-subsection" role="group" aria-labelledby={titleId}>
      <h4 id={titleId} className="subsection-title">
        Models folder
      </h4>
      {folder !== null ? (
        <p className="current-folder">
          <span className="current-folder-label">Current folder:</span> <span className="path">{folder}</span>
        </p>
      ) : status === 'error' ? (
        <div className="inline-notice notice-error" role="alert">
          <span>Could not read the models folder: {error}</span>
          <button type="button" className="button button-small" disabled={!canChange} onClick={() => void loadModels()}>
            Try again
          </button>
        </div>
      ) : (
        <p className="field-hint">Reading the models folder…</p>
      )}

      <div className={pathError ? 'field invalid' : 'field'}>
        <label htmlFor={inputId} className="field-label">
          New models folder
        </label>
        <input
          id={inputId}
          className="field-input path-input"
          type="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={4096}
          value={path}
          placeholder="Full path, created if missing"
          disabled={moving}
          aria-invalid={pathError ? true : undefined}
          aria-describedby={pathError ? `${inputId}-error` : undefined}
          onChange={(e) => {
            setPath(e.target.value);
            setPathError(null);
          }}
          onKeyDown={onKeyDown}
        />
        {pathError && (
          <p id={`${inputId}-error`} className="field-error">
            {pathError}
          </p>
        )}
      </div>

      <div className="field">
        <p id={modeId} className="field-label">
          When moving
        </p>
        <div className="radio-group" role="radiogroup" aria-labelledby={modeId}>
          <label className="check">
            <input type="radio" name={radioName} checked={moveFiles} disabled={moving} onChange={() => setMoveFiles(true)} />
            Move the model files there
          </label>
          <label className="check">
            <input type="radio" name={radioName} checked={!moveFiles} disabled={moving} onChange={() => setMoveFiles(false)} />
            Leave them where they are (they leave the list)
          </label>
        </div>
        <p className="field-hint">Downloads in progress move either way, so they do not start over.</p>
      </div>

      <div className="subsection-actions">
        <MoveOutcome move={move} />
        <button type="button" className="button" disabled={moving || !canChange} aria-busy={moving || undefined} onClick={ask}>
          {moving ? 'Moving…' : 'Move models folder'}
        </button>
      </div>

      {pending && canChange && (
        <ConfirmDialog title="Move the models folder?" confirmLabel="Move" onConfirm={() => void confirm()} onCancel={() => setPending(null)}>
          <p>
            The models folder becomes <span className="path">{pending.path}</span> (created if it does not exist).
          </p>
          {pending.moveFiles ? (
            <p className="move-detail">
              The model files in <span className="path">{folder ?? 'the current folder'}</span> move there, with the downloads in
              progress. Big files can take minutes to move.
            </p>
          ) : (
            <p className="move-detail">
              The model files stay in <span className="path">{folder ?? 'the current folder'}</span> and leave the list; the
              downloads in progress move there so that they do not start over.
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

function MoveOutcome({ move }: { move: FolderMove }) {
  switch (move.status) {
    case 'idle':
      return null;
    case 'moving':
      return (
        <p className="form-message pending" role="status">
          Big files can take a few minutes.
        </p>
      );
    case 'done':
      return (
        <p className="form-message" role="status">
          {move.moveFiles
            ? `The models folder is now ${move.folder}; the model files moved there.`
            : `The models folder is now ${move.folder}; the model files stayed in ${move.from || 'the old folder'}.`}
        </p>
      );
    case 'failed':
      return (
        <p className="form-message error" role="alert">
          {move.error}
        </p>
      );
  }
}

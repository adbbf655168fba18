import { useId, useState, type DragEvent, type FormEvent } from 'react';
import { isAbsolutePath } from '../../../lib/downloads-form';
import { chooseModelFile, importModelFile, useAppInfo, useCanChange } from '../../../state';

/** Adds a GGUF already on this computer (or, headless, on the computer running the host). */
export function ImportModelBox() {
  const inputId = useId();
  const modeId = useId();
  const radioName = useId();
  const canChange = useCanChange();
  const { info } = useAppInfo();
  const [path, setPath] = useState('');
  const [mode, setMode] = useState<'copy' | 'link'>('copy');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setDone(null);
    const trimmed = path.trim();
    if (!trimmed) return setError('Enter the full path of a .gguf file.');
    if (!isAbsolutePath(trimmed)) return setError('Enter a full path, starting with / (or a drive letter on Windows).');
    setError(null);
    setBusy(true);
    const outcome = await importModelFile(trimmed, mode);
    setBusy(false);
    if (outcome.ok) {
      setPath('');
      setDone(
        mode === 'copy'
          ? `Imported ${outcome.model.fileName}: copied into the models folder.`
          : `Imported ${outcome.model.fileName}: used where it is.`,
      );
    } else {
      setError(outcome.error);
    }
  }

  const headless = info?.host === 'headless';
  const desktop = info?.host === 'electron';

  async function choose() {
    const outcome = await chooseModelFile();
    if (!outcome.ok) setError(outcome.error);
    else if (outcome.path) {
      setPath(outcome.path);
      setError(null);
      setDone(null);
    }
  }

  /** The desktop app tells the path of a file dropped on the box. */
  function onDrop(event: DragEvent) {
    const file = event.dataTransfer.files[0];
    const pathFor = window.ternFiles?.pathFor;
    if (!file || !pathFor) return;
    event.preventDefault();
    const dropped = pathFor(file);
    if (dropped) {
      setPath(dropped);
      setError(null);
      setDone(null);
    }
  }

  return (
    <form
      className="import-model"
      onSubmit={(e) => void submit(e)}
      onDragOver={(e) => {
        if (window.ternFiles && e.dataTransfer.types.includes('Files')) e.preventDefault();
      }}
      onDrop={onDrop}
    >
      <div className="field">
        <label htmlFor={inputId} className="field-label">
          Model file path
        </label>
        <div className="inline-row">
          <input
            id={inputId}
            className="field-input"
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={4096}
            placeholder="/path/to/model.gguf"
            value={path}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${inputId}-hint${error ? ` ${inputId}-error` : ''}`}
            onChange={(e) => {
              setPath(e.target.value);
              setError(null);
              setDone(null);
            }}
          />
          {desktop && (
            <button type="button" className="button" disabled={!canChange || busy} onClick={() => void choose()}>
              Choose file…
            </button>
          )}
          <button type="submit" className="button" disabled={!canChange || busy} aria-busy={busy || undefined}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
        <p id={`${inputId}-hint`} className="field-hint">
          {headless
            ? 'A path on the computer running tern serve. The engine checks the file before it is added.'
            : desktop
              ? 'Type the path, choose the file or drop it here. The engine checks the file before it is added.'
              : 'The engine checks the file before it is added.'}
        </p>
        {error && (
          <p id={`${inputId}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="form-message" role="status">
            {done}
          </p>
        )}
      </div>
      <div className="field">
        <p id={modeId} className="field-label">
          How to add it
        </p>
        <div className="radio-group" role="radiogroup" aria-labelledby={modeId}>
          <label className="check">
            <input type="radio" name={radioName} checked={mode === 'copy'} disabled={busy} onChange={() => setMode('copy')} />
            Copy it into the models folder
          </label>
          <label className="check">
            <input type="radio" name={radioName} checked={mode === 'link'} disabled={busy} onChange={() => setMode('link')} />
            Use it where it is (link)
          </label>
        </div>
      </div>
    </form>
  );
}

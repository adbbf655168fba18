import { useEffect, useId, useState, type FormEvent } from 'react';
import { FitLabel } from '../../../components/FitLabel';
import { TooLargeConfirm } from '../../../components/TooLargeConfirm';
import { useRequestDownload } from '../../../components/useRequestDownload';
import type { RepoFile } from '../../../lib/contract';
import { formatBytes } from '../../../lib/format';
import { parseModelSource } from '../../../lib/model-source';
import { listRepoGgufFiles, useCanChange } from '../../../state';

interface Choice {
  repo: string;
  files: RepoFile[];
  chosen: string;
}

/**
 * "Model URL or repository": owner/repo/file.gguf or a URL is checked for fit and added;
 * owner/repo first lists its .gguf files to choose one.
 */
export function AddModelBox() {
  const inputId = useId();
  const radioName = useId();
  const canChange = useCanChange();
  const [text, setText] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [listing, setListing] = useState(false);
  const [choice, setChoice] = useState<Choice | null>(null);
  const { flow, start, confirm, reset } = useRequestDownload();
  const working = listing || flow.phase === 'working';

  // Added: the box is ready for the next one (the outcome stays until something is typed).
  useEffect(() => {
    if (flow.phase === 'added') setText('');
  }, [flow.phase]);

  function clearOutcome() {
    setInputError(null);
    setChoice(null);
    reset();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (working) return;
    clearOutcome();
    const parsed = parseModelSource(text);
    if (!parsed.ok) {
      setInputError(parsed.error);
      return;
    }
    const source = parsed.value;
    if (source.kind === 'repo') {
      setListing(true);
      const outcome = await listRepoGgufFiles(source.repo);
      setListing(false);
      if (!outcome.ok) setInputError(outcome.error);
      else if (outcome.files.length === 0) setInputError(`${source.repo} has no .gguf files.`);
      else setChoice({ repo: source.repo, files: outcome.files, chosen: outcome.files[0]?.path ?? '' });
      return;
    }
    void start({ source: source.source });
  }

  function addChosen() {
    if (!choice || !choice.chosen) return;
    void start({ source: choice.repo, file: choice.chosen });
  }

  const describedBy = [inputError ? `${inputId}-error` : null, `${inputId}-hint`].filter(Boolean).join(' ');

  return (
    <div className="add-model">
      <form className="inline-row" onSubmit={(e) => void submit(e)}>
        <label htmlFor={inputId} className="visually-hidden">
          Model URL or repository
        </label>
        <input
          id={inputId}
          className="field-input"
          type="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={4096}
          placeholder="owner/repo, owner/repo/file.gguf or https://…"
          value={text}
          aria-invalid={inputError ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            setText(e.target.value);
            if (flow.phase !== 'working') clearOutcome();
          }}
        />
        <button type="submit" className="button button-primary" disabled={!canChange || working} aria-busy={working || undefined}>
          Add
        </button>
      </form>
      <p id={`${inputId}-hint`} className="field-hint">
        A Hugging Face repository (then choose a file), one of its files, or the full URL of a GGUF file.
      </p>
      {inputError && (
        <p id={`${inputId}-error`} className="field-error" role="alert">
          {inputError}
        </p>
      )}
      {listing && <p className="muted">Listing the files…</p>}
      {choice && flow.phase !== 'added' && (
        <div className="repo-choice">
          <p id={`${radioName}-label`} className="field-label">
            Files in {choice.repo}
          </p>
          <div className="radio-group" role="radiogroup" aria-labelledby={`${radioName}-label`}>
            {choice.files.map((file) => (
              <label key={file.path} className="check repo-file">
                <input
                  type="radio"
                  name={radioName}
                  value={file.path}
                  checked={choice.chosen === file.path}
                  onChange={() => {
                    reset();
                    setChoice({ ...choice, chosen: file.path });
                  }}
                />
                <span className="repo-file-path">{file.path}</span>
                <span className="repo-file-size">{formatBytes(file.sizeBytes)}</span>
              </label>
            ))}
          </div>
          <div className="inline-row">
            <button type="button" className="button button-primary" disabled={!canChange || working || flow.phase === 'too-large'} onClick={addChosen}>
              Add selected file
            </button>
            <button type="button" className="button" onClick={clearOutcome}>
              Don&apos;t add
            </button>
          </div>
        </div>
      )}
      {flow.phase === 'working' && <p className="muted">Checking whether it fits…</p>}
      {flow.phase === 'too-large' && (
        <TooLargeConfirm fit={flow.fit} onConfirm={() => void confirm()} onCancel={clearOutcome} disabled={!canChange} />
      )}
      {flow.phase === 'error' && (
        <p className="field-error" role="alert">
          {flow.error}
        </p>
      )}
      {flow.phase === 'added' && (
        <div className="add-outcome" role="status">
          <p>Added {flow.download.fileName} to the downloads.</p>
          <FitLabel state={{ status: 'ready', fit: flow.fit }} />
        </div>
      )}
    </div>
  );
}

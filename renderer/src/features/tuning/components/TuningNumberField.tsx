import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { parseNumber } from '../../../lib/number-field';
import { RELOAD_NOTE } from '../../../lib/tuning-words';
import type { TuningOutcome } from '../../../state';

/** How long typing may pause before the value is sent (Enter and leaving the field send at once). */
export const COMMIT_DELAY_MS = 400;

interface TuningNumberFieldProps {
  label: string;
  /** The value in force (the host's). */
  value: number;
  min: number;
  max: number;
  step?: number;
  hint: ReactNode;
  /** The value waits for a model reload. */
  pendingReload?: boolean;
  disabled?: boolean;
  onCommit: (value: number) => Promise<TuningOutcome>;
}

/**
 * A whole number sent to the host as it is typed (after a short pause, or at once on Enter or
 * leaving the field). It shows the host's value unless something is being typed; a value out of
 * range is said under the field and not sent.
 */
export function TuningNumberField({ label, value, min, max, step = 1, hint, pendingReload, disabled, onCommit }: TuningNumberFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef<string | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  function stopTimer() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }

  async function commit(text: string) {
    stopTimer();
    const parsed = parseNumber(text, { min, max, integer: true });
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    if (parsed.value === value) {
      if (latest.current === text) setDraft(null);
      return;
    }
    await onCommit(parsed.value);
    // The field shows the host's value again, unless more was typed meanwhile; a refusal is said
    // by the view's error notice.
    if (latest.current === text) setDraft(null);
  }

  function edit(text: string) {
    latest.current = text;
    setDraft(text);
    setError(null);
    stopTimer();
    timer.current = setTimeout(() => void commit(text), COMMIT_DELAY_MS);
  }

  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const reloadId = `${id}-reload`;
  const describedBy = [error ? errorId : null, pendingReload ? reloadId : null, hintId].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        className="field-input"
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={step}
        value={draft ?? String(value)}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => edit(e.target.value)}
        onBlur={() => {
          if (draft !== null && timer.current) void commit(draft);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && draft !== null) {
            e.preventDefault();
            void commit(draft);
          }
        }}
      />
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      {pendingReload && (
        <p id={reloadId} className="reload-mark">
          {RELOAD_NOTE}
        </p>
      )}
      <p id={hintId} className="field-hint">
        {hint}
      </p>
    </div>
  );
}

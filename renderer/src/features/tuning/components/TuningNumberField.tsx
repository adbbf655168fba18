import { useId, type ReactNode } from 'react';
import { RELOAD_NOTE } from '../../../lib/tuning-words';
import { useCommitNumber } from './useCommitNumber';

export { COMMIT_DELAY_MS } from './useCommitNumber';

interface TuningNumberFieldProps {
  label: string;
  /** The value in force (the host's); null: none, the field is empty. */
  value: number | null;
  min: number;
  max: number;
  step?: number | 'any';
  /** Whole numbers only (the default). */
  integer?: boolean;
  placeholder?: string;
  hint: ReactNode;
  /** The value waits for a model reload. */
  pendingReload?: boolean;
  disabled?: boolean;
  onCommit: (value: number) => Promise<unknown>;
}

/**
 * A number sent to the host as it is typed (after a short pause, or at once on Enter or leaving
 * the field). It shows the host's value unless something is being typed; a value out of range is
 * said under the field and not sent.
 */
export function TuningNumberField({
  label,
  value,
  min,
  max,
  step = 1,
  integer = true,
  placeholder,
  hint,
  pendingReload,
  disabled,
  onCommit,
}: TuningNumberFieldProps) {
  const id = useId();
  const { inputProps, error } = useCommitNumber({ value, rule: { min, max, integer }, onCommit });

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
        {...inputProps}
        step={step}
        placeholder={placeholder}
        disabled={disabled}
        aria-describedby={describedBy}
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

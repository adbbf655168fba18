import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

/** A line said under a field between its error and its hint (the tuning's reload note); its id is the field's and `-key`. */
interface FieldNote {
  key: string;
  className: string;
  text: ReactNode;
}

interface NumberFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'type' | 'aria-invalid' | 'aria-describedby'> {
  label: string;
  /** The value is refused: said first, and the field marked invalid. */
  error?: string | null | undefined;
  notes?: FieldNote[];
  hint?: ReactNode;
}

/**
 * A labelled number input with its error when the value is refused, any notes, and its hint; the
 * input describes itself by them in that order. The rest of the props are the input's.
 */
export function NumberField({ label, error, notes = [], hint, ...input }: NumberFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, ...notes.map((note) => `${id}-${note.key}`), hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        {...input}
        id={id}
        className="field-input"
        type="number"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
      {notes.map((note) => (
        <p key={note.key} id={`${id}-${note.key}`} className={note.className}>
          {note.text}
        </p>
      ))}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

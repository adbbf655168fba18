import type { ReactNode } from 'react';
import { NumberField } from '../../../components/NumberField';
import { useCommitNumber } from '../../../components/useCommitNumber';
import { RELOAD_NOTE } from '../../../lib/tuning-words';

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
  const { inputProps, error } = useCommitNumber({ value, rule: { min, max, integer }, onCommit });
  return (
    <NumberField
      label={label}
      {...inputProps}
      step={step}
      placeholder={placeholder}
      disabled={disabled}
      error={error}
      notes={pendingReload ? [{ key: 'reload', className: 'reload-mark', text: RELOAD_NOTE }] : []}
      hint={hint}
    />
  );
}

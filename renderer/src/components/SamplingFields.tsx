import type { Sampling } from '../lib/contract';
import { SAMPLING_FIELDS, type SamplingDraft, type SamplingErrors, type SamplingKey } from '../lib/sampling-form';
import { NumberField } from './NumberField';

interface SamplingFieldsProps {
  draft: SamplingDraft;
  errors: SamplingErrors;
  onChange: (key: SamplingKey, value: string) => void;
  /** Shown in empty fields: the values they fall back to (a conversation's overrides). */
  fallback?: Sampling | null;
}

/** Temperature, top-p, top-k, min-p, repeat penalty, max reply tokens and seed. */
export function SamplingFields({ draft, errors, onChange, fallback }: SamplingFieldsProps) {
  return (
    <div className="field-grid">
      {SAMPLING_FIELDS.map((field) => {
        const fallbackValue = fallback ? fallback[field.key] : undefined;
        const placeholder = !fallback ? undefined : fallbackValue === null ? 'random' : String(fallbackValue);
        return (
          <NumberField
            key={field.key}
            label={field.label}
            value={draft[field.key]}
            inputMode="decimal"
            onChange={(e) => onChange(field.key, e.target.value)}
            min={field.min}
            max={field.max}
            step={field.step}
            hint={field.hint}
            error={errors[field.key]}
            {...(placeholder === undefined ? {} : { placeholder })}
          />
        );
      })}
    </div>
  );
}

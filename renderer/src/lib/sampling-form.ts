/**
 * The sampling fields as a form: text per field, checked against the contract's ranges. The app's
 * defaults need every field (seed empty: a new seed each reply); a conversation's overrides leave
 * empty fields to the defaults.
 */
import type { Sampling, SamplingOverrides } from './contract';
import { parseNumber, type NumberRule } from './number-field';

export type SamplingKey = keyof Sampling;
export type SamplingDraft = Record<SamplingKey, string>;
export type SamplingErrors = Partial<Record<SamplingKey, string>>;

export interface SamplingField extends NumberRule {
  key: SamplingKey;
  label: string;
  step: number;
  hint: string;
}

export const SAMPLING_FIELDS: readonly SamplingField[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 5, step: 0.05, hint: '0 always takes the likeliest token.' },
  { key: 'topP', label: 'Top-p', min: 0, max: 1, step: 0.01, hint: 'Keeps the likeliest tokens up to this share.' },
  { key: 'topK', label: 'Top-k', min: 0, max: 1000, step: 1, integer: true, hint: 'Keeps this many tokens; 0 is off.' },
  { key: 'minP', label: 'Min-p', min: 0, max: 1, step: 0.01, hint: 'Drops tokens below this share of the likeliest.' },
  { key: 'repeatPenalty', label: 'Repeat penalty', min: 0.5, max: 3, step: 0.01, hint: '1 is off.' },
  { key: 'maxTokens', label: 'Max reply tokens', min: 1, max: 32_768, step: 1, integer: true, hint: 'The longest reply.' },
  { key: 'seed', label: 'Seed', min: 0, max: 0xffff_ffff, step: 1, integer: true, hint: 'Empty: a new seed for every reply.' },
];

export function samplingDraft(values: SamplingOverrides | undefined): SamplingDraft {
  const draft = {} as SamplingDraft;
  for (const field of SAMPLING_FIELDS) {
    const value = values?.[field.key];
    draft[field.key] = value === undefined || value === null ? '' : String(value);
  }
  return draft;
}

/** The values typed, or the errors to show. 'defaults' needs every field but the seed. */
export function parseSampling(
  draft: SamplingDraft,
  mode: 'defaults' | 'overrides',
): { values: SamplingOverrides; errors: SamplingErrors } {
  const values: SamplingOverrides = {};
  const errors: SamplingErrors = {};
  for (const field of SAMPLING_FIELDS) {
    const text = draft[field.key].trim();
    if (!text) {
      if (field.key === 'seed' && mode === 'defaults') values.seed = null;
      else if (mode === 'defaults') errors[field.key] = 'Enter a number.';
      continue;
    }
    const parsed = parseNumber(text, field);
    if (parsed.ok) values[field.key] = parsed.value;
    else errors[field.key] = parsed.error;
  }
  return { values, errors };
}

/** Numbers typed into the settings forms: checked here, with a message for the field. */

export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
}

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

export function parseNumber(text: string, rule: NumberRule): Parsed {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'Enter a number.' };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, error: 'Enter a number.' };
  if (rule.integer && !Number.isInteger(value)) return { ok: false, error: 'Enter a whole number.' };
  if (value < rule.min || value > rule.max) return { ok: false, error: `Enter a number from ${rule.min} to ${rule.max}.` };
  return { ok: true, value };
}

import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';
import { parseNumber, type NumberRule } from '../lib/number-field';

/** How long typing may pause before the value is sent (Enter and leaving the field send at once). */
const COMMIT_DELAY_MS = 400;

/**
 * A number field's draft, sent to the host as it is typed (after a short pause, or at once on
 * Enter or leaving the field), or with `whileTyping: false` only on Enter or leaving the field.
 * The field shows the host's value unless something is being typed; a value out of range is an
 * error said under the field and not sent.
 */
export function useCommitNumber({
  value,
  rule,
  onCommit,
  whileTyping = true,
}: {
  /** The value in force (the host's); null: none, the field is empty. */
  value: number | null;
  rule: NumberRule;
  onCommit: (value: number) => Promise<unknown>;
  /**
   * false: never sent while typing (a port half typed would restart the API), only on Enter or
   * leaving the field, and a draft on its way is not sent again (Enter then leaving sends it once).
   * Enter is then always kept from the form.
   */
  whileTyping?: boolean;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef<string | null>(null);
  /** The text on its way to the host. */
  const sending = useRef<string | null>(null);

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
    if (!whileTyping && sending.current === text) return;
    const parsed = parseNumber(text, rule);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    if (parsed.value !== value) {
      sending.current = text;
      try {
        await onCommit(parsed.value);
      } finally {
        sending.current = null;
      }
    }
    // The field shows the host's value again, unless more was typed meanwhile; a refusal is said
    // by the view's error notice.
    if (latest.current === text) setDraft(null);
  }

  function edit(text: string) {
    latest.current = text;
    setDraft(text);
    setError(null);
    if (!whileTyping) return;
    stopTimer();
    timer.current = setTimeout(() => void commit(text), COMMIT_DELAY_MS);
  }

  const inputProps: InputHTMLAttributes<HTMLInputElement> = {
    type: 'number',
    inputMode: rule.integer ? 'numeric' : 'decimal',
    min: rule.min,
    max: rule.max,
    value: draft ?? (value === null ? '' : String(value)),
    'aria-invalid': error ? true : undefined,
    onChange: (e) => edit(e.target.value),
    onBlur: () => {
      // Sent as typed: only what the pause has not sent yet.
      if (draft !== null && (!whileTyping || timer.current)) void commit(draft);
    },
    onKeyDown: (e) => {
      if (e.key !== 'Enter') return;
      if (draft !== null || !whileTyping) e.preventDefault();
      if (draft !== null) void commit(draft);
    },
  };
  return { inputProps, error };
}

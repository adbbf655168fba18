import { NumberField } from '../../../components/NumberField';
import { useCommitNumber } from '../../../components/useCommitNumber';
import { useCopy } from '../../../components/useCopy';
import type { NumberRule } from '../../../lib/number-field';

interface CommitNumberFieldProps {
  label: string;
  /** The value in force (the host's). */
  value: number;
  rule: NumberRule;
  hint?: string;
  disabled?: boolean;
  onCommit: (value: number) => Promise<unknown>;
}

/**
 * A number field sent to the host on Enter or on leaving it (not while typing: a port half typed
 * would restart the API). It shows the host's value unless something is being typed; a value out
 * of range is said under the field and not sent.
 */
export function CommitNumberField({ label, value, rule, hint, disabled, onCommit }: CommitNumberFieldProps) {
  const { inputProps, error } = useCommitNumber({ value, rule, onCommit, whileTyping: false });
  return <NumberField label={label} {...inputProps} step={1} disabled={disabled} error={error} hint={hint} />;
}

/** A button that copies a text and says so for a moment (or that it could not). */
export function CopyTextButton({ text, label, disabled }: { text: string; label: string; disabled?: boolean }) {
  const { copy, said, words } = useCopy(text);

  return (
    <>
      <button type="button" className="button button-small" disabled={disabled} onClick={() => void copy()}>
        {label}
      </button>
      <span className={said === 'failed' ? 'copy-said failed' : 'copy-said'} aria-live="polite">
        {words}
      </span>
    </>
  );
}

/** The CORS origins as typed, one a line: each an http(s) origin, or the line that is not. */
export function parseOrigins(text: string): { ok: true; origins: string[] } | { ok: false; error: string } {
  const origins: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    let url: URL;
    try {
      url = new URL(line);
    } catch {
      return { ok: false, error: `“${line}” is not an origin: write it like http://localhost:5173.` };
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) {
      return { ok: false, error: `“${line}” is not an origin: only the scheme, the name and the port, like http://localhost:5173.` };
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  if (origins.length > 32) return { ok: false, error: 'At most 32 origins.' };
  return { ok: true, origins };
}

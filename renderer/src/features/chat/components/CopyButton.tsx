import { useEffect, useState } from 'react';
import { Icon } from '../../../components/Icon';
import { copyText } from '../../../lib/clipboard';

/** How long "Copied" (or the failure) stays. */
const SAY_MS = 1600;

/** Copies a message's text; says "Copied" (or that it could not) for a moment. */
export function CopyButton({ text }: { text: string }) {
  const [said, setSaid] = useState<'copied' | 'failed' | null>(null);

  useEffect(() => {
    if (!said) return;
    const timer = setTimeout(() => setSaid(null), SAY_MS);
    return () => clearTimeout(timer);
  }, [said]);

  async function copy() {
    try {
      await copyText(text);
      setSaid('copied');
    } catch {
      setSaid('failed');
    }
  }

  return (
    <>
      <button type="button" className="icon-button message-action" aria-label="Copy" title="Copy" onClick={() => void copy()}>
        <Icon name={said === 'copied' ? 'check' : 'copy'} />
      </button>
      <span className={said === 'failed' ? 'message-action-said failed' : 'message-action-said'} role="status">
        {said === 'copied' ? 'Copied' : said === 'failed' ? 'Could not copy' : ''}
      </span>
    </>
  );
}

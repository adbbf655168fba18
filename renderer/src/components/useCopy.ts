import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard';

/** How long "Copied" (or the failure) stays. */
const SAY_MS = 1600;

/**
 * Copying a text and saying so for a moment: `copy` puts the text on the clipboard, `said` is
 * 'copied' or 'failed' until the moment has passed, and `words` says it ('' otherwise).
 */
export function useCopy(text: string): { copy: () => Promise<void>; said: 'copied' | 'failed' | null; words: string } {
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

  return { copy, said, words: said === 'copied' ? 'Copied' : said === 'failed' ? 'Could not copy' : '' };
}

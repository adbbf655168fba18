/**
 * A fenced code block: its language, a "Copy code" button that copies the block's exact text,
 * and the highlighted code (highlight.js classes from rehype-highlight, coloured by markdown.css).
 */
import { useRef, useState, type ReactNode } from 'react';
import type { Element } from 'hast';

type CopyState = 'idle' | 'copied' | 'failed';

const COPY_NOTE: Record<CopyState, string> = {
  idle: '',
  copied: 'Copied',
  failed: 'Could not copy',
};

export function CodeBlock({ node, children }: { node?: Element | undefined; children?: ReactNode }) {
  const preRef = useRef<HTMLPreElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  const language = languageOf(node);

  const onCopy = () => {
    const text = preRef.current?.textContent ?? '';
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard?.writeText) {
      setCopy('failed');
      return;
    }
    clipboard.writeText(text).then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };

  return (
    <div className="md-code-block">
      <div className="md-code-bar">
        <span className="md-code-language">{language ?? 'text'}</span>
        <span className="md-copy-note" role="status">
          {COPY_NOTE[copy]}
        </span>
        <button type="button" className="md-copy-button" onClick={onCopy} onBlur={() => setCopy('idle')}>
          Copy code
        </button>
      </div>
      <pre ref={preRef} className="md-code">
        {children}
      </pre>
    </div>
  );
}

/** The language named on the fence (`language-xxx` on the inner code element), if any. */
function languageOf(pre: Element | undefined): string | null {
  const code = pre?.children.find((child): child is Element => child.type === 'element' && child.tagName === 'code');
  const classes = code?.properties.className;
  if (!Array.isArray(classes)) return null;
  for (const name of classes) {
    const value = String(name);
    if (value.startsWith('language-')) return value.slice('language-'.length);
  }
  return null;
}

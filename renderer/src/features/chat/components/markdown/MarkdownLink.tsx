/**
 * Links in model text: an external http(s)/mailto link opens outside the app (the main process
 * hands new windows to the system browser); any other link is inert text.
 */
import type { ReactNode } from 'react';

export function MarkdownLink({ href, title, className, children }: { href?: string | undefined; title?: string | undefined; className?: string | undefined; children?: ReactNode }) {
  if (!href) return <span className={['md-link-dead', className].filter(Boolean).join(' ')}>{children}</span>;
  return (
    <a href={href} title={title} className={['md-link', className].filter(Boolean).join(' ')} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

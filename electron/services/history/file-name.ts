/** A file name from a conversation's title: letters, digits, dots, dashes and underscores only. */
const MAX_CHARS = 80;

export function safeFileName(title: string, fallback = 'conversation'): string {
  const name = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, MAX_CHARS)
    .replace(/[.-]+$/g, '');
  return name || fallback;
}

/**
 * URL safety for Markdown written by a model: only absolute http(s) and mailto URLs survive;
 * everything else (javascript:, vbscript:, data:, file:, relative paths, fragments) becomes ''
 * so the link renders as inert text and nothing is ever loaded.
 */

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL when it is safe to offer as an external link, otherwise ''. */
export function safeUrl(url: string): string {
  // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\nscript:").
  const cleaned = url.replace(/[\u0000-\u0020\u007f]/g, '');
  if (!/^(https?|mailto):/i.test(cleaned)) return '';
  let parsed: URL;
  try {
    parsed = new URL(cleaned);
  } catch {
    return '';
  }
  return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : '';
}

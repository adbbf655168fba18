/**
 * Release notes as plain text. GitHub hands electron-updater a release's body as HTML (or, with
 * fullChangelog, a list of notes per version); the app shows text, never markup from the network.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
/** Notes longer than this are cut: the release page has the rest. */
export const MAX_NOTES = 4000;

export function plainReleaseNotes(notes: unknown): string | undefined {
  const text = Array.isArray(notes)
    ? notes
        .map((entry: { version?: unknown; note?: unknown }) => {
          const body = typeof entry?.note === 'string' ? htmlToText(entry.note) : '';
          return typeof entry?.version === 'string' && body ? `${entry.version}\n${body}` : body;
        })
        .filter(Boolean)
        .join('\n\n')
    : typeof notes === 'string'
      ? htmlToText(notes)
      : '';
  if (text === '') return undefined;
  return text.length > MAX_NOTES ? `${text.slice(0, MAX_NOTES - 1).trimEnd()}…` : text;
}

function htmlToText(html: string): string {
  // Notes already in plain text (no tags) keep their lines.
  if (!/<[a-z/!][^>]*>/i.test(html)) return html.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return (
    html
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
      // Line breaks in HTML source are spaces; the tags say where lines end.
      .replace(/\s+/g, ' ')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '\n• ')
      .replace(/<\/?(p|div|h[1-6]|ul|ol|pre|blockquote|table|tr)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
        if (name[0] === '#') {
          const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
          return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
        }
        return ENTITIES[name.toLowerCase()] ?? whole;
      })
      .split('\n')
      .map((line) => line.replace(/[ \t]+/g, ' ').trim())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

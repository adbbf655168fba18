/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error: every
 * whitespace-separated word becomes a quoted string (quotes doubled), so `"`, `*`, `-`, `:`,
 * `(`, NEAR, AND, OR and NOT are only text. Words are ANDed; the last one matches as a prefix,
 * so results appear while typing. Words with no letters or digits are dropped.
 *
 * Returns null when nothing searchable is left.
 */
export function toFtsQuery(text: string): string | null {
  const words = text
    .normalize('NFC')
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}\p{M}\p{Co}]/u.test(word));
  if (words.length === 0) return null;
  return words
    .map((word, index) => {
      const quoted = `"${word.replace(/"/g, '""')}"`;
      return index === words.length - 1 ? `${quoted}*` : quoted;
    })
    .join(' ');
}

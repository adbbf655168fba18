/** A conversation's title from its first message: the first line, cut at a word near 60 characters. */
const MAX = 60;

export function titleFrom(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0]?.replace(/\s+/g, ' ').trim() ?? '';
  if (line.length <= MAX) return line || 'New conversation';
  const cut = line.slice(0, MAX);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

/**
 * Line-level Markdown facts shared by the block splitter and the streaming repair: fences,
 * blank lines, list items. Pure string tests, no parsing.
 */

/** An open code fence: its character and length (a closing fence needs as many or more). */
export interface Fence {
  char: '`' | '~';
  length: number;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^[ \t]*(`{3,}|~{3,})[ \t]*$/;

/** The fence a line opens, if it opens one (backtick fences cannot have a backtick after). */
export function openedFence(line: string): Fence | null {
  const match = FENCE_OPEN.exec(line);
  if (!match) return null;
  const marker = match[1] ?? '';
  const char = marker[0] === '~' ? '~' : '`';
  if (char === '`' && (match[2] ?? '').includes('`')) return null;
  return { char, length: marker.length };
}

/** Whether a line closes the given fence. */
export function closesFence(line: string, fence: Fence): boolean {
  const match = FENCE_CLOSE.exec(line);
  const marker = match?.[1];
  return marker !== undefined && marker[0] === fence.char && marker.length >= fence.length;
}

/** Whether a line is empty or only spaces and tabs. */
export function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/** Whether a line starts with indentation (so it continues the block above a blank line). */
export function isIndented(line: string): boolean {
  return line.startsWith(' ') || line.startsWith('\t');
}

const LIST_ITEM = /^([-*+]|\d{1,9}[.)])([ \t]|$)/;
const LIST_PREFIX = /^([-*+]|\d{1,9}[.)]?)$/;

/**
 * Whether a line starts a list item: 'yes', 'no', or 'unknown' while an incomplete line could
 * still become one ("1" may turn into "1. item" or "1999 was…").
 */
export function startsListItem(line: string, complete: boolean): 'yes' | 'no' | 'unknown' {
  const match = LIST_ITEM.exec(line);
  if (match) {
    // "-" alone at the end of an incomplete line may still become "---" (a rule).
    return complete || line.length > (match[1] ?? '').length ? 'yes' : 'unknown';
  }
  return !complete && LIST_PREFIX.test(line) ? 'unknown' : 'no';
}

/**
 * Makes the last, still-arriving block of a streamed reply render sensibly (the streamdown idea):
 * an unterminated code fence is closed, a last line that could still turn the paragraph above into
 * a heading (or open a fence) waits, a table whose header is still being written is held back,
 * a half-written table row is left out, and a trailing unclosed `**`, `~~`, inline code span or
 * link is completed. Only ever applied to the display copy while a reply streams.
 */
import { closesFence, isBlank, openedFence, type Fence } from './lines';

/** The block as it should be displayed while more text is still coming. */
export function repairBlock(block: string): string {
  const lines = block.split('\n');
  const fence = openFenceAtEnd(lines);
  if (fence) return closeFence(lines, fence);
  // A line of only "-" or "=" would turn the paragraph above into a heading for a moment (it may
  // yet be a list item or a rule), one or two backticks may yet open a fence: wait for more.
  if (UNDECIDED_LINE.test(lines[lines.length - 1] ?? '')) lines.pop();
  const kept = trimTable(lines);
  const last = kept.length - 1;
  const lastLine = kept[last] ?? '';
  if (kept.length === lines.length && !isBlank(lastLine) && !TABLE_ROW.test(lastLine)) {
    kept[last] = closeInline(lastLine);
  }
  return kept.join('\n');
}

/** The fence still open after the last line, if any. */
function openFenceAtEnd(lines: readonly string[]): Fence | null {
  let fence: Fence | null = null;
  for (const line of lines) {
    if (fence) {
      if (closesFence(line, fence)) fence = null;
    } else {
      fence = openedFence(line);
    }
  }
  return fence;
}

/** The block with its open fence closed; a closing fence half typed on the last line is dropped. */
function closeFence(lines: readonly string[], fence: Fence): string {
  const kept = [...lines];
  const last = kept[kept.length - 1] ?? '';
  const halfMarker = new RegExp(`^[ \\t]*\\${fence.char}+$`);
  if (kept.length > 1 && halfMarker.test(last)) kept.pop();
  else if (kept.length > 1 && last === '') kept.pop();
  return `${kept.join('\n')}\n${fence.char.repeat(fence.length)}`;
}

const UNDECIDED_LINE = /^ {0,3}(-+|=+|`{1,2}|~{1,2})[ \t]*$/;

const TABLE_ROW = /^[ \t]*\|/;
const DELIMITER_ROW = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const DELIMITER_SO_FAR = /^[ \t]*\|[ \t:|-]*$/;

/**
 * The lines without a table being written at their end: a table is held back until its delimiter
 * row is complete, then a row still being written (the incomplete last line) is left out. The
 * last entry of `lines` is the incomplete line (empty when the block ends with a newline).
 */
function trimTable(lines: readonly string[]): string[] {
  const partial = lines[lines.length - 1] ?? '';
  const partialIsRow = TABLE_ROW.test(partial);
  const end = partialIsRow ? lines.length : lines.length - 1;
  let start = end;
  while (start > 0 && TABLE_ROW.test(lines[start - 1] ?? '')) start--;
  const rows = end - start;
  if (rows === 0) return [...lines];

  const header = rows === 1 || (rows === 2 && partialIsRow && DELIMITER_SO_FAR.test(partial));
  if (header) return lines.slice(0, start);
  const isTable = DELIMITER_ROW.test(lines[start + 1] ?? '');
  return isTable && partialIsRow ? lines.slice(0, lines.length - 1) : [...lines];
}

/** Closes what the last line left open: a link's target, an inline code span, `**`, `~~`. */
function closeInline(line: string): string {
  let result = line.replace(/\[([^\]]*)\]\([^)\s]*$/, '$1');
  const ticks = (result.match(/`/g) ?? []).length;
  if (ticks % 2 === 1) return /`\s*$/.test(result) ? result : `${result}\``;
  const outsideCode = result.replace(/`[^`]*`/g, '');
  for (const marker of ['**', '~~']) {
    const count = outsideCode.split(marker).length - 1;
    if (count % 2 === 1 && !endsWithMarker(result, marker)) result += marker;
  }
  return result;
}

/** Whether nothing but spaces follows the last marker (closing it then would make an empty span). */
function endsWithMarker(line: string, marker: string): boolean {
  return line.slice(line.lastIndexOf(marker) + marker.length).trim() === '';
}

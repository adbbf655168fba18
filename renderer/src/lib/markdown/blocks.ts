/**
 * Splits Markdown into top-level blocks (separated by blank lines outside code fences) so that a
 * streamed reply only re-parses its last, still-growing block. Incremental: given the previous
 * split of a text that has since grown at the end, only the open last block is scanned again.
 *
 * Merging blocks is always safe (they are parsed together as they would be anyway); splitting is
 * what could change meaning, so a blank line only ends a block when the next line cannot continue
 * it: not indented (a list item's continuation, indented code) and, after a list, not another
 * list item (so a loose list stays one list).
 */
import { closesFence, isBlank, isIndented, openedFence, startsListItem, type Fence } from './lines';

export interface BlockSplit {
  /** The text this split describes. */
  readonly text: string;
  /** Finished blocks, oldest first; nothing appended later can change them. */
  readonly done: readonly string[];
  /** Where the last, still-open block starts in `text`. */
  readonly openStart: number;
}

/** All blocks of a split: the finished ones and the open one (if it has any content). */
export function blocksOf(split: BlockSplit): string[] {
  const open = split.text.slice(split.openStart);
  return isBlank(open.replace(/\n/g, '')) ? [...split.done] : [...split.done, open];
}

/**
 * The split of `text`. With `previous` (the split of an earlier version of the same text that has
 * only grown at the end since) the finished blocks are reused and only the open block is rescanned.
 */
export function splitBlocks(text: string, previous?: BlockSplit): BlockSplit {
  if (previous && grewFrom(text, previous)) {
    const scanned = scanFrom(text, previous.openStart);
    if (scanned.done.length === 0) return { text, done: previous.done, openStart: scanned.openStart };
    return { text, done: [...previous.done, ...scanned.done], openStart: scanned.openStart };
  }
  return { text, ...scanFrom(text, 0) };
}

/** Whether `text` is `previous.text` with more appended, judged by the open block (cheap). */
function grewFrom(text: string, previous: BlockSplit): boolean {
  const old = previous.text;
  if (text.length < old.length) return false;
  return text.startsWith(old.slice(previous.openStart), previous.openStart);
}

/** Scans from a block start: the blocks that finish, and where the open one starts. */
function scanFrom(text: string, start: number): { done: string[]; openStart: number } {
  const done: string[] = [];
  let blockStart = start;
  let blockEnd = start;
  let hasContent = false;
  let isList = false;
  let sawBlank = false;
  let fence: Fence | null = null;
  let pos = start;

  while (pos < text.length) {
    const newline = text.indexOf('\n', pos);
    const complete = newline !== -1;
    const lineEnd = complete ? newline : text.length;
    const line = text.slice(pos, lineEnd);

    if (fence) {
      if (closesFence(line, fence)) fence = null;
      blockEnd = lineEnd;
    } else if (isBlank(line)) {
      if (hasContent) sawBlank = true;
    } else {
      if (!hasContent) {
        blockStart = pos;
        hasContent = true;
        isList = startsListItem(line, complete) !== 'no';
      } else if (sawBlank && !continues(line, complete, isList)) {
        done.push(text.slice(blockStart, blockEnd));
        blockStart = pos;
        isList = startsListItem(line, complete) !== 'no';
      }
      sawBlank = false;
      fence = openedFence(line);
      blockEnd = lineEnd;
    }
    pos = complete ? newline + 1 : text.length;
  }
  return { done, openStart: hasContent ? blockStart : start };
}

/** Whether a line after a blank line belongs to the block above it (or might, if incomplete). */
function continues(line: string, complete: boolean, isList: boolean): boolean {
  if (isIndented(line)) return true;
  return isList && startsListItem(line, complete) !== 'no';
}

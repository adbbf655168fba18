/**
 * The blocks to render for a message's Markdown. While it streams the split is incremental (only
 * the open last block is rescanned) and the last block is repaired for display; finished blocks
 * keep the very same strings, so their memoized renders are skipped. The ref only caches the last
 * split (the same text always gives the same blocks), so a render React repeats or drops is harmless.
 */
import { useMemo, useRef } from 'react';
import { blocksOf, repairBlock, splitBlocks, type BlockSplit } from '../../../../lib/markdown';

export function useMarkdownBlocks(text: string, streaming: boolean): string[] {
  const previous = useRef<BlockSplit | undefined>(undefined);
  return useMemo(() => {
    const split = splitBlocks(text, previous.current);
    previous.current = split;
    const blocks = blocksOf(split);
    const last = blocks.length - 1;
    if (streaming && last >= 0) blocks[last] = repairBlock(blocks[last] ?? '');
    return blocks;
  }, [text, streaming]);
}

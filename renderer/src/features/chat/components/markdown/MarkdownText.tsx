/**
 * Markdown written by the model, rendered block by block (see useMarkdownBlocks). Blocks are
 * grouped by their position, GROUP_SIZE to a group, and a group whose blocks did not change is not
 * rendered again, so an update touches a few groups and the growing block, not every block of a
 * long reply. A block keeps its group and key from first token to last, so it is never remounted.
 */
import { memo } from 'react';
import { MarkdownBlock } from './MarkdownBlock';
import { useMarkdownBlocks } from './useMarkdownBlocks';
import '../../../../styles/markdown.css';

const GROUP_SIZE = 16;

export function MarkdownText({ text, streaming }: { text: string; streaming: boolean }) {
  const blocks = useMarkdownBlocks(text, streaming);
  const groups: string[][] = [];
  for (let start = 0; start < blocks.length; start += GROUP_SIZE) groups.push(blocks.slice(start, start + GROUP_SIZE));
  return (
    <>
      {groups.map((group, index) => (
        // Blocks only ever grow at the end, so positions are stable identities.
        <BlockGroup key={index} blocks={group} />
      ))}
    </>
  );
}

const BlockGroup = memo(
  function BlockGroup({ blocks }: { blocks: string[] }) {
    return (
      <>
        {blocks.map((block, index) => (
          <MarkdownBlock key={index} text={block} />
        ))}
      </>
    );
  },
  (before, after) => sameStrings(before.blocks, after.blocks),
);

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

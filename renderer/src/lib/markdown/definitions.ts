/**
 * Link reference definitions (`[1]: https://…`) and footnote definitions (`[^1]: …`) render
 * nothing themselves; they only give meaning to uses in the same parse. Blocks are parsed one by
 * one, so a definition whose uses are in other blocks would vanish along with its URL or note:
 * such definitions are shown as plain text instead (the URL still becomes a link if it is safe).
 */

const DEFINITION = /^( {0,3})\[(\^?)([^\]\n]+)\]:/gm;

/** The block with its definitions that nothing in the block uses turned into text. */
export function showOrphanDefinitions(block: string): string {
  if (!block.includes(']:')) return block;
  const lower = block.toLowerCase();
  return block.replace(DEFINITION, (line: string, indent: string, caret: string, label: string) => {
    const use = `[${caret}${label.toLowerCase()}]`;
    const first = lower.indexOf(use);
    const usedElsewhere = first !== -1 && (lower.indexOf(use, first + 1) !== -1 || !lower.startsWith(`${use}:`, first));
    return usedElsewhere ? line : `${indent}\\[${caret}${label}\\]:`;
  });
}

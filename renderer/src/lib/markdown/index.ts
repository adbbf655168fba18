/** Pure Markdown helpers for streamed replies: block splitting, display repair, definitions, URL safety. */
export { blocksOf, splitBlocks, type BlockSplit } from './blocks';
export { showOrphanDefinitions } from './definitions';
export { repairBlock } from './repair';
export { safeUrl } from './url';

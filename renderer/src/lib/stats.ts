import type { MessageStats } from './contract';

/** The stats of a message that has none yet (a user message, a reply before its first token). */
export const NO_STATS: MessageStats = {
  promptTokens: null,
  generatedTokens: null,
  ttftMs: null,
  prefillTokensPerSec: null,
  decodeTokensPerSec: null,
  energyJoules: null,
  energySource: null,
  threads: null,
};

/**
 * Fitting a conversation into the model's context. The system message always stays; when the
 * prompt plus the room kept for the reply no longer fits, the oldest turns are dropped in one step,
 * down to half the context, cutting only before a user message. The turns that follow then share
 * the same prompt prefix (and the engine's KV cache) until the context is full again.
 */
import { type BuiltPrompt, type PromptMessage, type PromptTokenizer, buildPrompt } from './prompt';

export interface FitOptions {
  /** n_ctx */
  contextTokens: number;
  /** Room kept for the reply. */
  reserveTokens: number;
  /** Index into `turns` of the first message still in context (from an earlier trim); 0 at first. */
  startIndex: number;
}

export interface FittedPrompt extends BuiltPrompt {
  /** The first turn included now (>= options.startIndex). */
  startIndex: number;
  /** == startIndex: messages before it are left out. */
  droppedMessages: number;
  /** True when this call moved startIndex forward. */
  trimmed: boolean;
}

export class ContextOverflowError extends Error {
  readonly code = 'CONTEXT_OVERFLOW';
  constructor(message: string) {
    super(message);
    this.name = 'ContextOverflowError';
  }
}

/**
 * `system` (may be null) always stays. `turns` are the conversation's user/assistant messages,
 * oldest first, ending with the new user message (or with the reply to continue when
 * continueLast). When the prompt from startIndex plus reserveTokens does not fit in contextTokens,
 * the oldest turns are dropped in ONE step down to half the context (prompt length <=
 * contextTokens / 2, and never more than contextTokens - reserveTokens), cutting only before a user
 * message. If even the last user turn alone does not fit, throws a ContextOverflowError.
 */
export async function fitToContext(
  tok: PromptTokenizer,
  system: PromptMessage | null,
  turns: PromptMessage[],
  options: FitOptions,
  build?: { continueLast?: boolean },
): Promise<FittedPrompt> {
  const { contextTokens, reserveTokens } = options;
  const from = Math.min(Math.max(0, Math.floor(options.startIndex)), turns.length);
  const promptFrom = (start: number): Promise<BuiltPrompt> =>
    buildPrompt(tok, system ? [system, ...turns.slice(start)] : turns.slice(start), build);
  const result = (prompt: BuiltPrompt, start: number): FittedPrompt => ({
    ...prompt,
    startIndex: start,
    droppedMessages: start,
    trimmed: start > from,
  });

  const whole = await promptFrom(from);
  if (whole.ids.length + reserveTokens <= contextTokens) return result(whole, from);

  // Places to cut: before each user message after `from`; the last one keeps only the last user turn.
  const cuts: number[] = [];
  for (let i = from + 1; i < turns.length; i++) if (turns[i]?.role === 'user') cuts.push(i);
  const target = Math.min(Math.floor(contextTokens / 2), contextTokens - reserveTokens);

  // The prompt shrinks as the cut moves later: find the earliest cut that reaches the target.
  const built = new Map<number, BuiltPrompt>();
  const at = async (k: number): Promise<BuiltPrompt> => {
    const cut = cuts[k] as number;
    let prompt = built.get(cut);
    if (!prompt) {
      prompt = await promptFrom(cut);
      built.set(cut, prompt);
    }
    return prompt;
  };
  let lo = 0;
  let hi = cuts.length; // cuts[hi] is the first known to reach the target (cuts.length: none)
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((await at(mid)).ids.length <= target) hi = mid;
    else lo = mid + 1;
  }
  if (hi < cuts.length) return result(await at(hi), cuts[hi] as number);

  // No cut reaches half the context: keep only the last user turn if that fits at all.
  const lastCut = cuts.length > 0 ? cuts.length - 1 : -1;
  const smallest = lastCut >= 0 ? await at(lastCut) : whole;
  if (smallest.ids.length + reserveTokens <= contextTokens) {
    return result(smallest, lastCut >= 0 ? (cuts[lastCut] as number) : from);
  }
  throw new ContextOverflowError(
    `The message does not fit in the model's context: the prompt needs ${smallest.ids.length} tokens plus ` +
      `${reserveTokens} kept for the reply (${smallest.ids.length + reserveTokens} in all), but the context holds ` +
      `${contextTokens} tokens. Shorten the message${system ? ' or the system prompt' : ''}, or load the model with a larger context.`,
  );
}

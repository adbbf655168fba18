/**
 * The prompt token ids for a conversation. BitNet b1.58 2B4T files (architectures bitnet-b1.58
 * and bitnet-25) always get the model's official format, never the placeholder template stored in
 * them; other models get their own chat template (rendered with @huggingface/jinja), or a plain
 * fallback format when they have none or it fails. Message text never becomes a special token:
 * only the format's own markers do. An assistant reply given with the ids the model sampled is put
 * back verbatim, so the next turn's prompt extends the previous prompt + reply exactly (the engine
 * then reuses its KV cache).
 */
import { fallbackPieces, officialBitnetPieces } from './prompt-formats';
import { piecesToIds } from './prompt-pieces';
import { templatePieces } from './prompt-template';
import type { Piece } from './prompt-pieces';

export type PromptFormat = 'bitnet-2b4t' | 'template' | 'fallback';

/** What the prompt builder needs from a model: its tokenizer and chat template. */
export interface PromptTokenizer {
  /** general.architecture */
  arch: string;
  chatTemplate: string | null;
  /** -1 when absent. */
  bos: number;
  eos: number;
  eot: number;
  /** The file asks for BOS. */
  addBos: boolean;
  specialTokens: { id: number; text: string }[];
  tokenize(text: string, options: { special: boolean; addBos: boolean }): Promise<number[]>;
}

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** For an assistant reply made by this same model: the ids it sampled, used instead of tokenizing `content`. */
  ids?: number[];
}

export interface BuiltPrompt {
  ids: number[];
  format: PromptFormat;
  /** Why the fallback is used (no template, or the template failed to render: the error in words); null otherwise. */
  formatNote: string | null;
}

/** Architectures whose files carry the placeholder template: they get the official 2B4T format. */
const OFFICIAL_BITNET_ARCHS = new Set(['bitnet-b1.58', 'bitnet-25']);

/**
 * `continueLast`: the last message is an unfinished assistant reply; the prompt ends with it (no
 * end-of-turn), so generation continues it. Otherwise the last message is a user message and the
 * prompt ends with the generation prompt.
 */
export async function buildPrompt(
  tok: PromptTokenizer,
  messages: PromptMessage[],
  options?: { continueLast?: boolean },
): Promise<BuiltPrompt> {
  const continueLast = options?.continueLast === true;
  const reply = continueLast ? messages[messages.length - 1] : undefined;
  if (continueLast && reply?.role !== 'assistant') {
    throw new Error('continueLast needs the last message to be the assistant reply to continue');
  }
  const history = reply ? messages.slice(0, -1) : messages;
  const chosen = choosePieces(tok, history);
  const ids = await piecesToIds(tok, history, chosen.pieces);
  if (tok.addBos && tok.bos >= 0 && ids[0] !== tok.bos) ids.unshift(tok.bos);
  if (reply) ids.push(...(reply.ids ?? (await tok.tokenize(reply.content, { special: false, addBos: false }))));
  return { ids, format: chosen.format, formatNote: chosen.formatNote };
}

interface ChosenPieces {
  pieces: Piece[];
  format: PromptFormat;
  formatNote: string | null;
}

/** The conversation laid out in the model's format, ending with the generation prompt. */
function choosePieces(tok: PromptTokenizer, messages: PromptMessage[]): ChosenPieces {
  if (OFFICIAL_BITNET_ARCHS.has(tok.arch)) {
    return { pieces: officialBitnetPieces(tok, messages), format: 'bitnet-2b4t', formatNote: null };
  }
  const plain = 'a plain "System: / User: / Assistant:" format is used';
  if (!tok.chatTemplate || tok.chatTemplate.trim() === '') {
    return { pieces: fallbackPieces(tok, messages), format: 'fallback', formatNote: `The model file has no chat template; ${plain}.` };
  }
  try {
    return { pieces: templatePieces(tok, tok.chatTemplate, messages), format: 'template', formatNote: null };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      pieces: fallbackPieces(tok, messages),
      format: 'fallback',
      formatNote: `The model's chat template failed to render (${why}); ${plain}.`,
    };
  }
}

/**
 * The two formats Tern writes itself: BitNet b1.58 2B4T's official one
 * (`<|begin_of_text|>System: …<|eot_id|>User: …<|eot_id|>Assistant: `), and the plain fallback for
 * a model without a usable chat template (`System: …\n\nUser: …\n\nAssistant: `, with the model's
 * end-of-turn token, or else its end-of-sequence token, closing each turn when it has one).
 */
import type { PromptMessage, PromptTokenizer } from './prompt';
import type { Piece } from './prompt-pieces';

const ROLE_PREFIX: Record<PromptMessage['role'], string> = {
  system: 'System: ',
  user: 'User: ',
  assistant: 'Assistant: ',
};

/** The token that ends a turn: EOT, else EOS; -1 when the model has neither. */
function endOfTurn(tok: PromptTokenizer): number {
  return tok.eot >= 0 ? tok.eot : tok.eos;
}

/** 2B4T: BOS, then `Role: content<|eot_id|>` per turn, then `Assistant: `. */
export function officialBitnetPieces(tok: PromptTokenizer, messages: PromptMessage[]): Piece[] {
  const pieces: Piece[] = [];
  if (tok.bos >= 0) pieces.push({ kind: 'special', id: tok.bos });
  const end = endOfTurn(tok);
  messages.forEach((message, i) => {
    pieces.push({ kind: 'text', text: ROLE_PREFIX[message.role] }, { kind: 'content', message: i, text: message.content });
    if (end >= 0) pieces.push({ kind: 'special', id: end });
  });
  pieces.push({ kind: 'text', text: ROLE_PREFIX.assistant });
  return pieces;
}

/** Fallback: `Role: content[EOT]\n\n` per turn, then `Assistant: ` (BOS is added by the caller). */
export function fallbackPieces(tok: PromptTokenizer, messages: PromptMessage[]): Piece[] {
  const pieces: Piece[] = [];
  const end = endOfTurn(tok);
  messages.forEach((message, i) => {
    pieces.push({ kind: 'text', text: ROLE_PREFIX[message.role] }, { kind: 'content', message: i, text: message.content });
    if (end >= 0) pieces.push({ kind: 'special', id: end });
    pieces.push({ kind: 'text', text: '\n\n' });
  });
  pieces.push({ kind: 'text', text: ROLE_PREFIX.assistant });
  return pieces;
}

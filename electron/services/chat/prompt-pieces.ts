/**
 * A prompt laid out as pieces (format text, special ids, message contents) and turned into token
 * ids. Format text is split at the special tokens' texts (longest first) into their ids; the plain
 * text left between specials is tokenized together with the user and system contents next to it
 * (so "User: hello" tokenizes as one run, as the whole string would), always with special tokens
 * off, so text typed by the user never becomes a control token. An assistant content is a hard
 * boundary: its sampled ids go in verbatim, or its text is tokenized as a run of its own.
 */
import type { PromptMessage, PromptTokenizer } from './prompt';

export type Piece =
  /** Text of the format itself: special-token texts in it become their ids. */
  | { kind: 'text'; text: string }
  /** A special token placed by the format. */
  | { kind: 'special'; id: number }
  /** The content of messages[message], as the format shows it (e.g. trimmed). */
  | { kind: 'content'; message: number; text: string };

type Part = { kind: 'run'; text: string } | { kind: 'ids'; ids: number[] };

export async function piecesToIds(tok: PromptTokenizer, messages: PromptMessage[], pieces: Piece[]): Promise<number[]> {
  const parts: Part[] = [];
  let run = '';
  const flush = (): void => {
    if (run !== '') parts.push({ kind: 'run', text: run });
    run = '';
  };
  for (const piece of pieces) {
    if (piece.kind === 'special') {
      flush();
      parts.push({ kind: 'ids', ids: [piece.id] });
    } else if (piece.kind === 'text') {
      for (const segment of splitAtSpecials(tok, piece.text)) {
        if (typeof segment === 'number') {
          flush();
          parts.push({ kind: 'ids', ids: [segment] });
        } else {
          run += segment;
        }
      }
    } else {
      const message = messages[piece.message];
      if (message?.role === 'assistant') {
        flush();
        if (message.ids) parts.push({ kind: 'ids', ids: message.ids });
        else run = piece.text;
        flush();
      } else {
        run += piece.text;
      }
    }
  }
  flush();
  const tokenized = await Promise.all(
    parts.map((part) => (part.kind === 'ids' ? part.ids : tok.tokenize(part.text, { special: false, addBos: false }))),
  );
  return tokenized.flat();
}

/** The text of a special token id, or '' when the model has no such token. */
export function specialText(tok: PromptTokenizer, id: number): string {
  if (id < 0) return '';
  return tok.specialTokens.find((t) => t.id === id)?.text ?? '';
}

const matchers = new WeakMap<PromptTokenizer['specialTokens'], { pattern: RegExp | null; ids: Map<string, number> }>();

function matcherFor(tok: PromptTokenizer): { pattern: RegExp | null; ids: Map<string, number> } {
  let found = matchers.get(tok.specialTokens);
  if (!found) {
    const ids = new Map<string, number>();
    for (const t of tok.specialTokens) if (t.text !== '' && !ids.has(t.text)) ids.set(t.text, t.id);
    const texts = [...ids.keys()].sort((a, b) => b.length - a.length);
    const escaped = texts.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    found = { pattern: texts.length > 0 ? new RegExp(escaped.join('|'), 'g') : null, ids };
    matchers.set(tok.specialTokens, found);
  }
  return found;
}

/** Format text cut at the special tokens' texts: strings between them, ids in their place. */
export function splitAtSpecials(tok: PromptTokenizer, text: string): (string | number)[] {
  const { pattern, ids } = matcherFor(tok);
  if (!pattern) return text === '' ? [] : [text];
  const out: (string | number)[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    if (at > last) out.push(text.slice(last, at));
    out.push(ids.get(match[0]) ?? -1);
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

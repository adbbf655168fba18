/**
 * A model's own chat template, rendered with @huggingface/jinja and cut into prompt pieces. Each
 * message's content is replaced by a sentinel (private-use characters around its index, padded with
 * an em space on each side) so the template's own text can be told apart from the messages': the
 * template text may hold special tokens, the contents never do. A padding space that the template
 * removed means it trims that content (as Llama 3's `| trim`), and the real content is trimmed the
 * same way.
 */
import { Template } from '@huggingface/jinja';
import type { PromptMessage, PromptTokenizer } from './prompt';
import { type Piece, specialText } from './prompt-pieces';

const PAD = '\u2003';

/** Two adjacent private-use characters that appear in no message and not in the template. */
function sentinelMarks(template: string, messages: PromptMessage[]): [string, string] {
  const used = (c: string): boolean => template.includes(c) || messages.some((m) => m.content.includes(c));
  for (let code = 0xe000; code < 0xf8fe; code += 2) {
    const open = String.fromCharCode(code);
    const close = String.fromCharCode(code + 1);
    if (!used(open) && !used(close)) return [open, close];
  }
  throw new Error('no free private-use character to mark message contents');
}

/** Throws when the template does not parse or render, or hides message contents in ways we cannot follow. */
export function templatePieces(tok: PromptTokenizer, source: string, messages: PromptMessage[]): Piece[] {
  const [open, close] = sentinelMarks(source, messages);
  const rendered = new Template(source).render({
    messages: messages.map((m, i) => ({ role: m.role, content: `${PAD}${open}${i}${close}${PAD}` })),
    bos_token: specialText(tok, tok.bos),
    eos_token: specialText(tok, tok.eos),
    add_generation_prompt: true,
  });
  const pieces: Piece[] = [];
  const pattern = new RegExp(`(${PAD}?)${open}(\\d+)${close}(${PAD}?)`, 'g');
  let last = 0;
  const text = (t: string): void => {
    if (t.includes(open) || t.includes(close)) throw new Error('the template changes message text in a way that cannot be followed');
    if (t !== '') pieces.push({ kind: 'text', text: t });
  };
  for (const match of rendered.matchAll(pattern)) {
    text(rendered.slice(last, match.index));
    const index = Number(match[2]);
    const message = messages[index];
    if (!message) throw new Error('the template changes message text in a way that cannot be followed');
    let content = message.content;
    if (match[1] === '') content = content.trimStart();
    if (match[3] === '') content = content.trimEnd();
    pieces.push({ kind: 'content', message: index, text: content });
    last = match.index + match[0].length;
  }
  text(rendered.slice(last));
  return pieces;
}

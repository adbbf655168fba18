/**
 * A conversation's branch as readable Markdown: the title as a `#` heading, each message under
 * `## You`, `## Assistant` or `## System`, a reply's model and stats in a small italic line
 * under its heading, and the contents as they are.
 */
import type { Message } from '../../common/contract';

const HEADINGS: Record<Message['role'], string> = { user: 'You', assistant: 'Assistant', system: 'System' };

export function conversationMarkdown(title: string, branch: Message[]): string {
  const parts = [`# ${title}`];
  for (const message of branch) {
    parts.push(`## ${HEADINGS[message.role]}`);
    if (message.role === 'assistant') {
      const facts = replyFacts(message);
      if (facts) parts.push(`*${escapeInline(facts)}*`);
    }
    if (message.content) parts.push(message.content);
  }
  return `${parts.join('\n\n')}\n`;
}

/** "model.gguf · 42 tokens · 18.5 tokens/s · 120 ms to first token · interrupted" */
export function replyFacts(message: Message): string {
  const { stats } = message;
  const facts: string[] = [];
  if (message.modelName ?? message.modelId) facts.push(message.modelName ?? message.modelId ?? '');
  if (stats.generatedTokens !== null) facts.push(`${stats.generatedTokens} tokens`);
  if (stats.decodeTokensPerSec !== null) facts.push(`${stats.decodeTokensPerSec.toFixed(1)} tokens/s`);
  if (stats.ttftMs !== null) facts.push(`${Math.round(stats.ttftMs)} ms to first token`);
  if (stats.energyJoules !== null) facts.push(`${stats.energyJoules.toFixed(1)} J`);
  if (message.status !== 'complete') facts.push(message.status);
  return facts.join(' · ');
}

/** Keeps a line of facts literal inside `*…*`. */
function escapeInline(text: string): string {
  return text.replace(/[\\*_`[\]<>]/g, (c) => `\\${c}`);
}

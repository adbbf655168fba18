import type { Message } from '../../../lib/contract';
import { MarkdownText } from './markdown/MarkdownText';

/**
 * A message's text: a reply as Markdown (rendered safely, see markdown/options.tsx); what the user
 * (or the system prompt) wrote exactly as written, plain text nodes with whitespace kept.
 */
export function MessageContent({ message }: { message: Message }) {
  const streaming = message.status === 'streaming';
  if (message.role !== 'assistant') {
    return <div className="message-content">{message.content}</div>;
  }
  return (
    <div className="message-content markdown">
      <MarkdownText text={message.content} streaming={streaming} />
      {streaming && <span className="typing" aria-hidden="true" />}
    </div>
  );
}

import type { Message } from '../../../lib/contract';
import { MessageItem } from './MessageItem';

/** The conversation's messages, oldest first. Only the last reply can be continued. */
export function MessageList({ messages }: { messages: Message[] }) {
  const last = messages[messages.length - 1];
  return (
    <ol className="message-list" aria-label="Messages">
      {messages.map((message) => (
        <li key={message.id} className="message-item">
          <MessageItem message={message} isLast={message === last} />
        </li>
      ))}
    </ol>
  );
}

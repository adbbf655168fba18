import type { Message } from '../../../lib/contract';

const ROLE_LABEL = { user: 'You', assistant: 'Assistant', system: 'System' } as const;

const STATUS_NOTE: Record<Message['status'], string | null> = {
  complete: null,
  streaming: 'still being written',
  interrupted: 'interrupted',
  error: 'failed',
};

export function MessageList({ messages }: { messages: Message[] }) {
  return (
    <ol className="message-list" aria-label="Messages">
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} />
      ))}
    </ol>
  );
}

function MessageItem({ message }: { message: Message }) {
  const note = STATUS_NOTE[message.status];
  return (
    <li className={`message message-${message.role}`}>
      <div className="message-meta">
        <span className="message-role">{ROLE_LABEL[message.role]}</span>
        {message.modelId && <span className="muted">{message.modelId}</span>}
        {note && <span className={`badge badge-${message.status}`}>{note}</span>}
      </div>
      <div className="message-content">{message.content}</div>
    </li>
  );
}

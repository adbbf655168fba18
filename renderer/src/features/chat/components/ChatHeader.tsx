import type { Conversation } from '../../../lib/contract';

export function ChatHeader({ conversation, titleId }: { conversation: Conversation; titleId: string }) {
  const count = conversation.messageCount;
  return (
    <header className="pane-header">
      <div className="pane-heading">
        <h2 id={titleId} className="pane-title">
          {conversation.title}
        </h2>
        <p className="pane-subtitle">
          {count === 0 ? 'No messages' : `${count} ${count === 1 ? 'message' : 'messages'}`} · started{' '}
          <time dateTime={new Date(conversation.createdAt).toISOString()}>
            {new Date(conversation.createdAt).toLocaleString()}
          </time>
        </p>
      </div>
      <span className="badge">No model loaded</span>
    </header>
  );
}

import { useMessagesOf } from '../../../state';
import { MessageList } from './MessageList';
import { NoModelNotice } from './NoModelNotice';

export function ConversationBody({ conversationId }: { conversationId: string }) {
  const { status, items, error } = useMessagesOf(conversationId);

  return (
    <div className="pane-body">
      {status === 'error' && (
        <p className="notice notice-error" role="alert">
          Could not load the messages: {error}
        </p>
      )}
      {status === 'loading' && items.length === 0 && <p className="list-note">Loading messages…</p>}
      {items.length > 0 && <MessageList messages={items} />}
      {(status === 'ready' || items.length > 0) && <NoModelNotice hasMessages={items.length > 0} />}
    </div>
  );
}

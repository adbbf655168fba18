import { useSelectedConversation } from '../../../state';
import { ChatHeader } from './ChatHeader';
import { ConversationBody } from './ConversationBody';
import { NoConversation } from './NoConversation';

/** The main area for the open conversation. */
export function ConversationPane() {
  const conversation = useSelectedConversation();
  if (!conversation) return <NoConversation />;
  return (
    <section className="pane chat" aria-labelledby="chat-title">
      <ChatHeader conversation={conversation} titleId="chat-title" />
      <ConversationBody conversationId={conversation.id} />
    </section>
  );
}

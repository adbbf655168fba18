import { useState } from 'react';
import type { Conversation } from '../../../lib/contract';
import { useModelList, useSelectedConversation } from '../../../state';
import { AlertNotice } from './AlertNotice';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { ConversationBody } from './ConversationBody';
import { ConversationSettingsPanel } from './ConversationSettingsPanel';
import { ModelActionError } from './ModelActionError';
import { NoConversation } from './NoConversation';
import { ReadoutsColumn } from './LiveReadouts';
import '../../../styles/monitoring.css';

/** The main area for the open conversation. */
export function ConversationPane() {
  const conversation = useSelectedConversation();
  if (!conversation) return <NoConversation />;
  // Keyed: a different conversation starts with its settings closed and the list at the bottom.
  return <OpenConversation key={conversation.id} conversation={conversation} />;
}

function OpenConversation({ conversation }: { conversation: Conversation }) {
  const [settingsOpen, setSettingsOpen] = useState(false);
  const { list } = useModelList();
  const hasModels = (list?.models.length ?? 0) > 0;
  return (
    <section className="pane chat" aria-labelledby="chat-title">
      <ChatHeader
        conversation={conversation}
        titleId="chat-title"
        settingsOpen={settingsOpen}
        onToggleSettings={() => setSettingsOpen((open) => !open)}
      />
      {settingsOpen && <ConversationSettingsPanel conversation={conversation} onClose={() => setSettingsOpen(false)} />}
      <ModelActionError />
      <AlertNotice />
      {/* Wide: the readouts beside the messages; narrow: above them, under the header. */}
      <div className="chat-columns">
        <div className="chat-main">
          <ConversationBody conversationId={conversation.id} />
          {hasModels && <Composer conversation={conversation} />}
        </div>
        <ReadoutsColumn conversationId={conversation.id} />
      </div>
    </section>
  );
}

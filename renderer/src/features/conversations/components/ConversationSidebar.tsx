import { useState } from 'react';
import type { Conversation } from '../../../lib/contract';
import { deleteConversation, useCanChange } from '../../../state';
import { ConversationList } from './ConversationList';
import { DeleteConversationDialog } from './DeleteConversationDialog';
import { ActionError } from './ActionError';
import { FilterBox } from './FilterBox';
import { HistoryTools } from './HistoryTools';
import { MessageHits } from './MessageHits';
import { NewConversationButton } from './NewConversationButton';

/** The conversations column: new, filter, the list, messages matching the filter, export and import. */
export function ConversationSidebar() {
  const [pendingDelete, setPendingDelete] = useState<Conversation | null>(null);
  const canChange = useCanChange();

  return (
    <section className="conversations" aria-label="Conversations">
      <div className="conversations-tools">
        <NewConversationButton />
        <FilterBox />
      </div>
      <ActionError />
      <div className="conversations-scroll">
        <ConversationList onDelete={setPendingDelete} />
        <MessageHits />
      </div>
      <HistoryTools />
      {pendingDelete && canChange && (
        <DeleteConversationDialog
          conversation={pendingDelete}
          onCancel={() => setPendingDelete(null)}
          onConfirm={() => {
            setPendingDelete(null);
            void deleteConversation(pendingDelete.id);
          }}
        />
      )}
    </section>
  );
}

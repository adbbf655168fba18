import type { KeyboardEvent } from 'react';
import type { Conversation } from '../../../lib/contract';
import { useConversationListState, useFilteredConversations } from '../../../state';
import { ConversationRow } from './ConversationRow';

/** Up and Down move between conversations; Home and End go to the ends. */
function moveFocus(event: KeyboardEvent<HTMLUListElement>) {
  const keys = ['ArrowUp', 'ArrowDown', 'Home', 'End'];
  if (!keys.includes(event.key)) return;
  const target = event.target;
  if (!(target instanceof HTMLElement) || !target.classList.contains('conversation-open')) return;
  const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('.conversation-open'));
  const index = buttons.indexOf(target as HTMLButtonElement);
  const next =
    event.key === 'Home'
      ? buttons[0]
      : event.key === 'End'
        ? buttons[buttons.length - 1]
        : buttons[index + (event.key === 'ArrowDown' ? 1 : -1)];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

export function ConversationList({ onDelete }: { onDelete: (conversation: Conversation) => void }) {
  const conversations = useFilteredConversations();
  const { total, status, error, selectedId, filtering } = useConversationListState();

  if (status === 'error' && total === 0) {
    return (
      <p className="list-note notice-error" role="alert">
        Could not load conversations: {error}
      </p>
    );
  }
  if (status === 'idle' || (status === 'loading' && total === 0)) {
    return <p className="list-note">Loading conversations…</p>;
  }
  if (total === 0) {
    return <p className="list-note">No conversations yet.</p>;
  }

  return (
    <nav aria-label="Conversation list">
      {filtering && <h2 className="list-heading">Titles</h2>}
      {conversations.length === 0 ? (
        <p className="list-note">No titles match.</p>
      ) : (
        <ul className="conversation-list" onKeyDown={moveFocus}>
          {conversations.map((conversation) => (
            <ConversationRow
              key={conversation.id}
              conversation={conversation}
              selected={conversation.id === selectedId}
              onDelete={onDelete}
            />
          ))}
        </ul>
      )}
    </nav>
  );
}

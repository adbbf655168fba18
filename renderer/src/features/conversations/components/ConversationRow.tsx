import { useState, type KeyboardEvent } from 'react';
import { Icon } from '../../../components/Icon';
import type { Conversation } from '../../../lib/contract';
import { selectConversation, useCanChange } from '../../../state';
import { RenameField } from './RenameField';

interface ConversationRowProps {
  conversation: Conversation;
  selected: boolean;
  onDelete: (conversation: Conversation) => void;
}

/** One conversation: open it, rename it in place (F2), or delete it (Delete). */
export function ConversationRow({ conversation, selected, onDelete }: ConversationRowProps) {
  const [renaming, setRenaming] = useState(false);
  const canChange = useCanChange();

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (!canChange) return;
    if (event.key === 'F2') {
      event.preventDefault();
      setRenaming(true);
    } else if (event.key === 'Delete') {
      event.preventDefault();
      onDelete(conversation);
    }
  }

  if (renaming) {
    return (
      <li className="conversation-row renaming">
        <RenameField conversation={conversation} onDone={() => setRenaming(false)} />
      </li>
    );
  }

  return (
    <li className={selected ? 'conversation-row selected' : 'conversation-row'}>
      <button
        type="button"
        className="conversation-open"
        aria-current={selected ? 'true' : undefined}
        onClick={() => selectConversation(conversation.id)}
        onKeyDown={onKeyDown}
        title={conversation.title}
      >
        <span className="conversation-title">{conversation.title}</span>
      </button>
      <span className="conversation-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Rename ${conversation.title}`}
          title="Rename (F2)"
          disabled={!canChange}
          onClick={() => setRenaming(true)}
        >
          <Icon name="pencil" />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Delete ${conversation.title}`}
          title="Delete"
          disabled={!canChange}
          onClick={() => onDelete(conversation)}
        >
          <Icon name="trash" />
        </button>
      </span>
    </li>
  );
}

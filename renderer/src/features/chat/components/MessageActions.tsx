import { Icon } from '../../../components/Icon';
import type { Message } from '../../../lib/contract';
import { regenerateReply, startEdit, useCanChangeBranch } from '../../../state';
import { CopyButton } from './CopyButton';
import { DeleteMessageButton } from './DeleteMessageButton';

/**
 * Copy on every message; Edit on the user's, Regenerate on replies; Delete message. What changes
 * the branch waits while a reply streams (Stop first) or another change is on its way.
 */
export function MessageActions({ message }: { message: Message }) {
  const canChange = useCanChangeBranch(message.conversationId);
  return (
    <div className="message-actions">
      <CopyButton text={message.content} />
      {message.role === 'user' && (
        <button
          type="button"
          className="icon-button message-action"
          aria-label="Edit"
          title="Edit"
          data-action="edit"
          disabled={!canChange}
          onClick={() => startEdit(message)}
        >
          <Icon name="pencil" />
        </button>
      )}
      {message.role === 'assistant' && (
        <button
          type="button"
          className="icon-button message-action"
          aria-label="Regenerate"
          title="Regenerate"
          disabled={!canChange}
          onClick={() => void regenerateReply(message)}
        >
          <Icon name="refresh" />
        </button>
      )}
      <DeleteMessageButton message={message} disabled={!canChange} />
    </div>
  );
}

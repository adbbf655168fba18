import { ConfirmDialog } from '../../../components/ConfirmDialog';
import type { Conversation } from '../../../lib/contract';

interface DeleteConversationDialogProps {
  conversation: Conversation;
  onConfirm: () => void;
  onCancel: () => void;
}

export function DeleteConversationDialog({ conversation, onConfirm, onCancel }: DeleteConversationDialogProps) {
  const count = conversation.messageCount;
  const what = count === 0 ? 'It has no messages.' : `Its ${count} ${count === 1 ? 'message' : 'messages'} will be deleted too.`;
  return (
    <ConfirmDialog title="Delete conversation?" confirmLabel="Delete" danger onConfirm={onConfirm} onCancel={onCancel}>
      <p>
        “{conversation.title}” will be deleted from this computer. {what} This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}

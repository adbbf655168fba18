import { useState } from 'react';
import { createPortal } from 'react-dom';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Icon } from '../../../components/Icon';
import type { Message } from '../../../lib/contract';
import { deleteMessage, useCanChange } from '../../../state';

/** Deletes a message and what follows it on its branch, after asking. */
export function DeleteMessageButton({ message, disabled }: { message: Message; disabled: boolean }) {
  const [asking, setAsking] = useState(false);
  const canChange = useCanChange();
  return (
    <>
      <button
        type="button"
        className="icon-button message-action message-action-danger"
        aria-label="Delete message"
        title="Delete message"
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        <Icon name="trash" />
      </button>
      {asking &&
        canChange &&
        // In <body>: a list that moves its rows with transforms must not carry the dialog along.
        createPortal(
          <ConfirmDialog
            title="Delete message?"
            confirmLabel="Delete"
            danger
            onCancel={() => setAsking(false)}
            onConfirm={() => {
              setAsking(false);
              void deleteMessage(message);
            }}
          >
            <p>Delete this message and everything after it on this branch?</p>
          </ConfirmDialog>,
          document.body,
        )}
    </>
  );
}

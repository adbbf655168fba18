import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { cancelEdit, sendEdit, setEditText, useCanChangeBranch, type EditState } from '../../../state';

/**
 * A user message edited in place. Send makes it a new branch (the old one stays a version);
 * Enter sends, Shift+Enter adds a line, Escape cancels.
 */
export function EditMessage({ conversationId, edit }: { conversationId: string; edit: EditState }) {
  const boxRef = useRef<HTMLTextAreaElement>(null);
  const errorId = useId();
  const canChange = useCanChangeBranch(conversationId);
  const sending = edit.status === 'sending';
  const canSend = !sending && canChange && edit.text.trim().length > 0;

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (canSend) void sendEdit(conversationId);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      cancelEdit(conversationId);
    }
  }

  return (
    <form
      className="message-edit"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) void sendEdit(conversationId);
      }}
    >
      <textarea
        ref={boxRef}
        className="message-edit-input"
        aria-label="Edit message"
        aria-invalid={edit.error ? true : undefined}
        aria-describedby={edit.error ? errorId : undefined}
        rows={3}
        maxLength={100_000}
        value={edit.text}
        readOnly={sending}
        onChange={(e) => setEditText(conversationId, e.target.value)}
        onKeyDown={onKeyDown}
      />
      {edit.error && (
        <p id={errorId} className="message-edit-error" role="alert">
          {edit.error}
        </p>
      )}
      <div className="message-edit-actions">
        <button type="button" className="button button-small" disabled={sending} onClick={() => cancelEdit(conversationId)}>
          Cancel
        </button>
        <button type="submit" className="button button-small button-primary" disabled={!canSend}>
          Send
        </button>
      </div>
    </form>
  );
}

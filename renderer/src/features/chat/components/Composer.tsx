import { useId, type KeyboardEvent } from 'react';
import { DismissibleError } from '../../../components/DismissibleError';
import { Icon } from '../../../components/Icon';
import type { Conversation } from '../../../lib/contract';
import {
  dismissReplyActionError,
  dismissSendError,
  sendMessage,
  setDraft,
  stopReply,
  useCanChange,
  useCanSend,
  useDraft,
  useIsReplying,
  useReplyActionError,
  useSendState,
} from '../../../state';

/**
 * The message box, pinned under the messages. Enter sends, Shift+Enter starts a new line, Escape
 * stops the reply. The draft is kept per conversation until the host accepts it.
 */
export function Composer({ conversation }: { conversation: Conversation }) {
  const id = conversation.id;
  const draft = useDraft(id);
  const canSend = useCanSend(id);
  const canChange = useCanChange();
  const replying = useIsReplying(id);
  const send = useSendState(id);
  const actionError = useReplyActionError(id);
  const hintId = useId();

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void sendMessage(id);
    } else if (event.key === 'Escape' && replying && canChange) {
      event.preventDefault();
      void stopReply(id);
    }
  }

  const placeholder = conversation.modelId ? 'Write a message' : 'Choose a model above to start';

  return (
    <form
      className="composer"
      aria-label="Compose"
      onSubmit={(event) => {
        event.preventDefault();
        void sendMessage(id);
      }}
    >
      {send?.status === 'waiting' && (
        <p className="composer-status" role="status">
          The connection dropped. Your message will be sent when it is back.
        </p>
      )}
      <DismissibleError
        message={send?.status === 'failed' ? send.error : null}
        onDismiss={() => dismissSendError(id)}
        className="composer-notice"
      />
      <DismissibleError message={actionError} onDismiss={() => dismissReplyActionError(id)} className="composer-notice" />
      <div className="composer-box">
        <textarea
          className="composer-input"
          aria-label="Message"
          aria-describedby={hintId}
          rows={1}
          value={draft}
          placeholder={placeholder}
          maxLength={100_000}
          onChange={(e) => setDraft(id, e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="composer-actions">
          {replying && (
            <button type="button" className="button composer-stop" disabled={!canChange} onClick={() => void stopReply(id)}>
              <Icon name="stop" />
              Stop
            </button>
          )}
          <button type="submit" className="button button-primary composer-send" disabled={!canSend}>
            <Icon name="send" />
            Send
          </button>
        </div>
      </div>
      <p id={hintId} className="composer-hint">
        Enter sends · Shift+Enter adds a line{replying ? ' · Esc stops the reply' : ''}
      </p>
    </form>
  );
}

import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import type { Message } from '../../../lib/contract';
import { messageElementId } from '../../../lib/message-anchor';
import { isPendingMessage, useEdit, useIsFocusMessage } from '../../../state';
import { ContinueButton } from './ContinueButton';
import { EditMessage } from './EditMessage';
import { MessageActions } from './MessageActions';
import { MessageContent } from './MessageContent';
import { ReplyStats } from './ReplyStats';
import { VersionSwitcher } from './VersionSwitcher';
import '../../../styles/history.css';

const ROLE_LABEL = { user: 'You', assistant: 'Assistant', system: 'System' } as const;

const BADGE: Record<Message['status'], string | null> = {
  complete: null,
  streaming: 'Writing…',
  interrupted: 'Interrupted',
  error: 'Error',
};

/**
 * While this message is the one asked for (focusMessageId, set for a moment by opening a search
 * hit), it is scrolled into view and highlighted. The request lives in the store, not here, so a
 * virtualized row that is unmounted and mounted again keeps its highlight.
 */
function useScrollWhenFocused(ref: RefObject<HTMLElement | null>, messageId: string): boolean {
  const focused = useIsFocusMessage(messageId);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView?.({ block: 'center' });
  }, [focused, ref]);
  return focused;
}

/** After an edit is cancelled, the focus goes back to the message's Edit button. */
function useFocusEditAfterEditing(ref: RefObject<HTMLElement | null>, editing: boolean): void {
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) ref.current?.querySelector<HTMLButtonElement>('button[data-action="edit"]')?.focus();
    wasEditing.current = editing;
  }, [editing, ref]);
}

/**
 * One message; data-role and data-status say what it is for tests and styles, id and
 * data-message-id where it is. Under it: its versions and its actions.
 */
export function MessageItem({ message, isLast }: { message: Message; isLast: boolean }) {
  const labelId = useId();
  const articleRef = useRef<HTMLElement>(null);
  const highlighted = useScrollWhenFocused(articleRef, message.id);
  const edit = useEdit(message.conversationId);
  const editing = edit !== null && edit.messageId === message.id;
  useFocusEditAfterEditing(articleRef, editing);
  const badge = BADGE[message.status];
  const pending = isPendingMessage(message);
  const reply = message.role === 'assistant';
  const classes = [
    'message',
    `message-${message.role}`,
    `message-${message.status}`,
    pending ? 'message-pending' : '',
    editing ? 'message-editing' : '',
    highlighted ? 'message-focused' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <article
      ref={articleRef}
      id={messageElementId(message.id)}
      className={classes}
      data-role={message.role}
      data-status={message.status}
      data-message-id={message.id}
      aria-labelledby={labelId}
    >
      <div className="message-meta">
        <span id={labelId} className="message-role">
          {ROLE_LABEL[message.role]}
        </span>
        {badge && <span className={`badge badge-${message.status}`}>{badge}</span>}
        {pending && <span className="muted">Sending…</span>}
      </div>
      {editing ? <EditMessage conversationId={message.conversationId} edit={edit} /> : <MessageContent message={message} />}
      {message.note && (
        <p className={`message-note message-note-${message.status}`}>{message.note}</p>
      )}
      {reply && <ReplyStats message={message} />}
      {reply && message.status === 'interrupted' && isLast && <ContinueButton message={message} />}
      {!pending && !editing && (
        <div className="message-footer">
          <VersionSwitcher message={message} />
          <MessageActions message={message} />
        </div>
      )}
    </article>
  );
}

import { useId } from 'react';
import type { Message } from '../../../lib/contract';
import { isPendingMessage } from '../../../state';
import { ContinueButton } from './ContinueButton';
import { ReplyStats } from './ReplyStats';

const ROLE_LABEL = { user: 'You', assistant: 'Assistant', system: 'System' } as const;

const BADGE: Record<Message['status'], string | null> = {
  complete: null,
  streaming: 'Writing…',
  interrupted: 'Interrupted',
  error: 'Error',
};

/**
 * One message. Its text is shown exactly as written (plain text nodes, whitespace kept);
 * data-role and data-status say what it is for tests and styles.
 */
export function MessageItem({ message, isLast }: { message: Message; isLast: boolean }) {
  const labelId = useId();
  const badge = BADGE[message.status];
  const pending = isPendingMessage(message);
  const reply = message.role === 'assistant';
  const classes = ['message', `message-${message.role}`, `message-${message.status}`, pending ? 'message-pending' : '']
    .filter(Boolean)
    .join(' ');

  return (
    <article className={classes} data-role={message.role} data-status={message.status} aria-labelledby={labelId}>
      <div className="message-meta">
        <span id={labelId} className="message-role">
          {ROLE_LABEL[message.role]}
        </span>
        {badge && <span className={`badge badge-${message.status}`}>{badge}</span>}
        {pending && <span className="muted">Sending…</span>}
      </div>
      <div className="message-content">
        {message.content}
        {message.status === 'streaming' && <span className="typing" aria-hidden="true" />}
      </div>
      {message.note && (
        <p className={`message-note message-note-${message.status}`}>{message.note}</p>
      )}
      {reply && <ReplyStats message={message} />}
      {reply && message.status === 'interrupted' && isLast && <ContinueButton message={message} />}
    </article>
  );
}

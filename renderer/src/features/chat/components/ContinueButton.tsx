import { Icon } from '../../../components/Icon';
import type { Message } from '../../../lib/contract';
import { continueReply, useIsReplying } from '../../../state';

/** Resumes an interrupted reply where it stopped. */
export function ContinueButton({ message }: { message: Message }) {
  const replying = useIsReplying(message.conversationId);
  return (
    <button type="button" className="button button-small message-continue" disabled={replying} onClick={() => void continueReply(message)}>
      <Icon name="play" />
      Continue
    </button>
  );
}

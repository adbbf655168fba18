import { Icon } from '../../../components/Icon';
import type { Message } from '../../../lib/contract';
import { continueReply, useCanChange, useIsReplying } from '../../../state';

/** Resumes an interrupted reply where it stopped. */
export function ContinueButton({ message }: { message: Message }) {
  const replying = useIsReplying(message.conversationId);
  const canChange = useCanChange();
  return (
    <button type="button" className="button button-small message-continue" disabled={replying || !canChange} onClick={() => void continueReply(message)}>
      <Icon name="play" />
      Continue
    </button>
  );
}

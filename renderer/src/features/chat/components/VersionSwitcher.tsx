import { Icon } from '../../../components/Icon';
import type { Message } from '../../../lib/contract';
import { versionPosition } from '../../../lib/versions';
import { showVersion, useCanChangeBranch } from '../../../state';

/** `‹ 2/3 ›` under a message with alternatives: shows another version and the branch through it. */
export function VersionSwitcher({ message }: { message: Message }) {
  const { index, count, previousId, nextId } = versionPosition(message);
  const canChange = useCanChangeBranch(message.conversationId);
  if (count < 2) return null;
  return (
    <div className="versions" role="group" aria-label={`Version ${index + 1} of ${count}`}>
      <button
        type="button"
        className="icon-button versions-button"
        aria-label="Previous version"
        title="Previous version"
        disabled={!canChange || previousId === null}
        onClick={() => previousId && void showVersion(message, previousId)}
      >
        <Icon name="chevron-left" />
      </button>
      <span className="versions-count" aria-hidden="true">{`${index + 1}/${count}`}</span>
      <button
        type="button"
        className="icon-button versions-button"
        aria-label="Next version"
        title="Next version"
        disabled={!canChange || nextId === null}
        onClick={() => nextId && void showVersion(message, nextId)}
      >
        <Icon name="chevron" />
      </button>
    </div>
  );
}

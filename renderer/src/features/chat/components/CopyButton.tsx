import { Icon } from '../../../components/Icon';
import { useCopy } from '../../../components/useCopy';

/** Copies a message's text; says "Copied" (or that it could not) for a moment. */
export function CopyButton({ text }: { text: string }) {
  const { copy, said, words } = useCopy(text);

  return (
    <>
      <button type="button" className="icon-button message-action" aria-label="Copy" title="Copy" onClick={() => void copy()}>
        <Icon name={said === 'copied' ? 'check' : 'copy'} />
      </button>
      <span className={said === 'failed' ? 'message-action-said failed' : 'message-action-said'} role="status">
        {words}
      </span>
    </>
  );
}

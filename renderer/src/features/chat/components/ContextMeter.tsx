import { plural } from '../../../lib/format';
import { useContextUse } from '../../../state';

/** Tokens the conversation takes of the model's context; what was left out, and how it is prompted. */
export function ContextMeter({ conversationId }: { conversationId: string }) {
  const use = useContextUse(conversationId);
  if (!use) return null;
  const share = Math.min(1, use.usedTokens / use.contextTokens);
  const level = share >= 0.9 ? 'full' : share >= 0.7 ? 'high' : 'ok';
  return (
    <div className="context">
      <div
        className={`context-meter context-${level}`}
        role="meter"
        aria-label="Context used"
        aria-valuemin={0}
        aria-valuemax={use.contextTokens}
        aria-valuenow={use.usedTokens}
        aria-valuetext={`${use.usedTokens} of ${use.contextTokens} tokens`}
      >
        <span className="context-bar" aria-hidden="true">
          <span className="context-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
        </span>
        <span className="context-text">
          {use.usedTokens} / {use.contextTokens} tokens
        </span>
      </div>
      {use.droppedMessages > 0 && (
        <p className="context-note">
          {plural(use.droppedMessages, 'earlier message is', 'earlier messages are')} outside the model's context.
        </p>
      )}
      {use.promptFormat === 'fallback' && (
        <p className="context-note">
          Plain prompt format{use.formatNote ? `: ${use.formatNote}` : ' (the model’s own chat format is not known)'}
        </p>
      )}
    </div>
  );
}

import { Icon } from '../../../components/Icon';

/**
 * What the conversation area says while no model can answer. There is deliberately no message
 * box: nothing here pretends to reply.
 */
export function NoModelNotice({ hasMessages }: { hasMessages: boolean }) {
  return (
    <div className={hasMessages ? 'no-model compact' : 'no-model'} role="note" aria-label="No model loaded">
      <Icon name="info" className="no-model-icon" />
      <div>
        <p className="no-model-title">No model is loaded yet.</p>
        <p>
          Tern answers with a ternary language model running on this computer. Model management arrives with the Models
          panel; until then this conversation can be kept, renamed and searched, but not answered.
        </p>
      </div>
    </div>
  );
}

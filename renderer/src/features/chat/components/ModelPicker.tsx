import { modelOptionLabel } from '../../../lib/format';
import type { Conversation } from '../../../lib/contract';
import { chooseModel, useCanChange, useIsReplying, useModels } from '../../../state';

/**
 * The conversation's model: a native select named "Model" whose value is the model id. Files the
 * engine cannot run are listed, disabled, with the reason.
 */
export function ModelPicker({ conversation }: { conversation: Conversation }) {
  const models = useModels();
  const replying = useIsReplying(conversation.id);
  const canChange = useCanChange();
  const chosen = conversation.modelId;
  const missing = chosen !== null && !models.some((m) => m.id === chosen);

  return (
    <div className="model-picker">
      <select
        className="model-select"
        aria-label="Model"
        value={chosen ?? ''}
        disabled={replying || !canChange}
        onChange={(e) => {
          if (e.target.value) void chooseModel(conversation.id, e.target.value);
        }}
      >
        {chosen === null && (
          <option value="" disabled>
            Choose a model…
          </option>
        )}
        {missing && (
          <option value={chosen} disabled>
            The chosen model file is gone
          </option>
        )}
        {models.map((model) => (
          <option key={model.id} value={model.id} disabled={model.problem !== null}>
            {modelOptionLabel(model)}
          </option>
        ))}
      </select>
      {chosen === null && <span className="choose-model">Choose a model</span>}
      {missing && <span className="choose-model">Choose another model</span>}
    </div>
  );
}

import { useId } from 'react';
import type { HeadType, TuningState } from '../../../lib/contract';
import { HEAD_LABELS, RELOAD_NOTE } from '../../../lib/tuning-words';
import { updateTuning, useCanChange } from '../../../state';
import { TuningNumberField } from './TuningNumberField';

const HEAD_TYPES: HeadType[] = ['q8_0', 'q6_k', 'f16'];

/** Context, prompt micro-batch, head precision and reply length; each sent as it changes. */
export function ValuesFields({ tuning }: { tuning: TuningState }) {
  const canChange = useCanChange();
  const headId = useId();
  const pending = new Set(tuning.pendingReload);
  const { values } = tuning;
  return (
    <div className="field-grid tuning-values">
      <TuningNumberField
        label="Context (tokens)"
        value={values.contextTokens}
        min={256}
        max={131_072}
        step={256}
        disabled={!canChange}
        pendingReload={pending.has('contextTokens')}
        onCommit={(contextTokens) => updateTuning({ contextTokens })}
        hint="Capped at the model's own. Takes a model reload."
      />
      <TuningNumberField
        label="Prompt micro-batch (tokens)"
        value={values.promptBatch}
        min={1}
        max={4096}
        disabled={!canChange}
        pendingReload={pending.has('promptBatch')}
        onCommit={(promptBatch) => updateTuning({ promptBatch })}
        hint="Prompt tokens evaluated per step. Takes a model reload."
      />
      <div className="field">
        <label htmlFor={headId} className="field-label">
          Head precision
        </label>
        <select
          id={headId}
          className="field-input"
          value={values.headType}
          disabled={!canChange}
          aria-describedby={[pending.has('headType') ? `${headId}-reload` : null, `${headId}-hint`].filter(Boolean).join(' ')}
          onChange={(e) => void updateTuning({ headType: e.target.value as HeadType })}
        >
          {HEAD_TYPES.map((type) => (
            <option key={type} value={type}>
              {HEAD_LABELS[type]}
            </option>
          ))}
        </select>
        {pending.has('headType') && (
          <p id={`${headId}-reload`} className="reload-mark">
            {RELOAD_NOTE}
          </p>
        )}
        <p id={`${headId}-hint`} className="field-hint">
          The output layer's precision in memory. Takes a model reload.
        </p>
      </div>
      <TuningNumberField
        label="Reply length (tokens)"
        value={values.maxTokens}
        min={1}
        max={32_768}
        disabled={!canChange}
        onCommit={(maxTokens) => updateTuning({ maxTokens })}
        hint="The longest reply. Applied to the next reply."
      />
    </div>
  );
}

import type { TuningState } from '../../../lib/contract';
import { threadsFromText } from '../../../lib/tuning-words';
import { updateTuning, useCanChange } from '../../../state';
import { TuningNumberField } from './TuningNumberField';

/** The engine's CPU threads: 1 … the logical cores, and where the value in force comes from. */
export function ThreadsField({ tuning }: { tuning: TuningState }) {
  const canChange = useCanChange();
  return (
    <div className="threads-field">
      <TuningNumberField
        label="CPU threads"
        value={tuning.values.threads}
        min={1}
        max={tuning.logicalCores}
        disabled={!canChange}
        onCommit={(threads) => updateTuning({ threads })}
        hint={
          <>
            From {threadsFromText(tuning)}. 1 to {tuning.logicalCores} (this computer has {tuning.logicalCores} logical and{' '}
            {tuning.physicalCores} physical cores). Applied to the next reply, no reload.
          </>
        }
      />
    </div>
  );
}

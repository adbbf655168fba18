import { useState } from 'react';
import { Icon } from '../../../components/Icon';
import { rescanModels, useCanChange } from '../../../state';

interface NoModelsNoticeProps {
  folder: string;
  scanning: boolean;
  compact?: boolean;
}

/** Where to put a model file when Tern has none, and a way to look again. */
export function NoModelsNotice({ folder, scanning, compact }: NoModelsNoticeProps) {
  const [checking, setChecking] = useState(false);
  const busy = checking || scanning;
  const canChange = useCanChange();

  async function checkAgain() {
    setChecking(true);
    await rescanModels();
    setChecking(false);
  }

  return (
    <div className={compact ? 'no-model compact' : 'no-model'} role="note" aria-label="No model files">
      <Icon name="info" className="no-model-icon" />
      <div className="no-model-text">
        <p className="no-model-title">No model files yet.</p>
        <p>
          Tern answers with a ternary language model running on this computer. Put a model file (<code>.gguf</code>) in
          the models folder:
        </p>
        <p className="no-model-folder">
          <code>{folder}</code>
        </p>
        <p className="muted">
          To use a file from somewhere else, start Tern with <code>tern serve --model FILE</code>.
        </p>
        <button type="button" className="button" onClick={() => void checkAgain()} disabled={busy || !canChange}>
          <Icon name="refresh" />
          Check again
        </button>
        {busy && <span className="muted no-model-scanning">Looking in the folder…</span>}
      </div>
    </div>
  );
}

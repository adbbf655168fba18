import { useState } from 'react';
import type { EnergyStatus } from '../../../lib/contract';
import { copyText } from '../../../lib/clipboard';
import { formatWatts } from '../../../lib/format';
import { cpuWattsFromText, energySentence } from '../../../lib/monitoring-words';
import { updateMonitoring, useCanChange } from '../../../state';
import { TuningNumberField } from './TuningNumberField';

/** Where this computer's energy figures come from, how to measure them, and the CPU's rated power. */
export function EnergyStatusBlock({ energy }: { energy: EnergyStatus }) {
  const canChange = useCanChange();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  async function copy(command: string) {
    try {
      await copyText(command);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <div className="energy-status">
      <p className="energy-sentence">
        <strong>{energySentence(energy)}</strong>: {energy.detail}
        {energy.idleWatts !== null && <span className="muted"> Idle baseline {formatWatts(energy.idleWatts)}.</span>}
      </p>
      {energy.unavailable && (
        <div className="energy-unavailable">
          <p>Not measured here: {energy.unavailable}</p>
          {energy.howTo && (
            <>
              <p className="field-hint">To measure it, run this once (it needs administrator rights):</p>
              <div className="howto">
                <pre className="howto-command">
                  <code>{energy.howTo}</code>
                </pre>
                <button type="button" className="button button-small" onClick={() => void copy(energy.howTo ?? '')}>
                  Copy command
                </button>
              </div>
              <p className="field-hint" aria-live="polite">
                {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'Could not copy: select the command and copy it.' : ''}
              </p>
            </>
          )}
        </div>
      )}
      <div className="energy-watts">
        <TuningNumberField
          label="CPU power (W)"
          value={energy.cpuWatts}
          min={1}
          max={2000}
          step="any"
          integer={false}
          disabled={!canChange}
          hint={cpuWattsFromText(energy)}
          onCommit={(cpuWatts) => updateMonitoring({ cpuWatts })}
        />
        {energy.cpuWattsFrom === 'user' && (
          <button type="button" className="button button-small" disabled={!canChange} onClick={() => void updateMonitoring({ cpuWatts: null })}>
            Use automatic
          </button>
        )}
      </div>
    </div>
  );
}

import { useId } from 'react';
import type { Scenario, TuningState } from '../../../lib/contract';
import { SCENARIO_LABELS, SCENARIO_ORDER, briefFit, briefMemoryText, valuesText } from '../../../lib/tuning-words';
import { applyScenario, useCanChange } from '../../../state';

function ScenarioOption({ scenario, tuning, name }: { scenario: Scenario; tuning: TuningState; name: string }) {
  const canChange = useCanChange();
  const id = useId();
  const descId = `${id}-desc`;
  const checked = tuning.scenario === scenario.id;
  const fit = briefFit(scenario, tuning.loadedModelBytes);
  return (
    <div className={checked ? 'scenario checked' : 'scenario'}>
      <div className="scenario-head">
        <input
          id={id}
          type="radio"
          name={name}
          value={scenario.id}
          checked={checked}
          disabled={!canChange}
          aria-describedby={descId}
          onChange={() => void applyScenario(scenario.id)}
        />
        <label htmlFor={id} className="scenario-name">
          {SCENARIO_LABELS[scenario.id]}
        </label>
      </div>
      <div id={descId} className="scenario-desc">
        <p>
          <span className="scenario-brief">≈ {scenario.briefScenario}</span> in the product brief. {scenario.description}
        </p>
        <p className="scenario-sets">Sets {valuesText(scenario.values)}.</p>
        <p className={`scenario-fit scenario-fit-${fit}`}>
          {briefMemoryText(scenario, tuning.loadedModelBytes)}; brief thread limit {scenario.briefMaxThreads}.
        </p>
      </div>
    </div>
  );
}

/** The four presets, each with its equivalent among the product brief's deployment scenarios. */
export function ScenarioPicker({ tuning }: { tuning: TuningState }) {
  const titleId = useId();
  const name = useId();
  const scenarios = SCENARIO_ORDER.map((id) => tuning.scenarios.find((s) => s.id === id)).filter((s): s is Scenario => Boolean(s));
  return (
    <div className="scenario-picker">
      <p id={titleId} className="field-label">
        Scenario
      </p>
      <div className="scenario-list" role="radiogroup" aria-labelledby={titleId}>
        {scenarios.map((scenario) => (
          <ScenarioOption key={scenario.id} scenario={scenario} tuning={tuning} name={name} />
        ))}
      </div>
      <p className="field-hint scenario-now">
        {tuning.scenario === null
          ? 'Now: custom values (changed since a scenario was chosen).'
          : `Now: ${SCENARIO_LABELS[tuning.scenario]}.`}{' '}
        Context, prompt micro-batch and head precision apply after the model reloads; threads and reply length from the next
        reply.
      </p>
      <p className="field-hint scenario-batch-note">
        The brief's “batch size” means requests served at once. Tern runs one request at a time; its batch is the prompt
        micro-batch, the prompt tokens evaluated per step.
      </p>
    </div>
  );
}

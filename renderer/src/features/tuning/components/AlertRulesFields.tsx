import { useId } from 'react';
import { useCommitNumber } from '../../../components/useCommitNumber';
import type { AlertRule, MonitoringState } from '../../../lib/contract';
import { RETENTION_DAYS, RULE_WORDS, retentionLabel } from '../../../lib/monitoring-words';
import { resetAlertRules, updateMonitoring, useCanChange } from '../../../state';
import { TuningNumberField } from './TuningNumberField';

function RuleRow({ rule, disabled }: { rule: AlertRule; disabled: boolean }) {
  const id = useId();
  const words = RULE_WORDS[rule.metric];
  const { inputProps, error } = useCommitNumber({
    value: rule.threshold,
    rule: { min: 0, max: words.max },
    onCommit: (threshold) => updateMonitoring({ rules: [{ metric: rule.metric, threshold }] }),
  });
  return (
    <li className={rule.enabled ? 'alert-rule' : 'alert-rule off'}>
      <input
        id={`${id}-on`}
        type="checkbox"
        checked={rule.enabled}
        disabled={disabled}
        aria-label={words.name}
        onChange={(e) => void updateMonitoring({ rules: [{ metric: rule.metric, enabled: e.target.checked }] })}
      />
      <label htmlFor={`${id}-on`} className="alert-rule-words" aria-hidden="true">
        {words.before}
      </label>
      <input
        className="field-input alert-rule-threshold"
        {...inputProps}
        step="any"
        disabled={disabled}
        aria-label={words.field}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <span className="alert-rule-words" aria-hidden="true">
        {words.after}
      </span>
      <span className={`badge severity severity-${rule.severity}`}>{rule.severity}</span>
      {error && (
        <p id={`${id}-error`} className="field-error alert-rule-error">
          {error}
        </p>
      )}
    </li>
  );
}

/** One row per rule (on or off, its threshold, its severity), the error window and how long metrics are kept. */
export function AlertRulesFields({ monitoring }: { monitoring: MonitoringState }) {
  const canChange = useCanChange();
  const retentionId = useId();
  const days = RETENTION_DAYS.includes(monitoring.retentionDays) ? RETENTION_DAYS : [...RETENTION_DAYS, monitoring.retentionDays].sort((a, b) => a - b);
  return (
    <div className="alert-rules">
      <p className="field-hint">Each reply is checked against the rules when it ends; a rule crossed raises an alert.</p>
      <ul className="alert-rule-list">
        {monitoring.rules.map((rule) => (
          <RuleRow key={rule.metric} rule={rule} disabled={!canChange} />
        ))}
      </ul>
      <div className="field-grid">
        <TuningNumberField
          label="Replies counted for the error rate"
          value={monitoring.errorWindow}
          min={5}
          max={1000}
          disabled={!canChange}
          hint="The error rate is over this many last replies (5 to 1,000)."
          onCommit={(errorWindow) => updateMonitoring({ errorWindow })}
        />
        <div className="field">
          <label htmlFor={retentionId} className="field-label">
            Keep metrics for
          </label>
          <select
            id={retentionId}
            className="field-input"
            value={monitoring.retentionDays}
            disabled={!canChange}
            aria-describedby={`${retentionId}-hint`}
            onChange={(e) => void updateMonitoring({ retentionDays: Number(e.target.value) })}
          >
            {days.map((d) => (
              <option key={d} value={d}>
                {retentionLabel(d)}
              </option>
            ))}
          </select>
          <p id={`${retentionId}-hint`} className="field-hint">
            Older replies' metrics and alerts are deleted. {monitoring.metricsCount.toLocaleString('en-US')} kept now.
          </p>
        </div>
      </div>
      <div className="form-actions">
        <button type="button" className="button" disabled={!canChange} onClick={() => void resetAlertRules()}>
          Reset rules
        </button>
      </div>
    </div>
  );
}

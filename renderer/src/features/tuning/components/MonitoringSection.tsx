import { useEffect, useId, useRef, useState } from 'react';
import { DismissibleError } from '../../../components/DismissibleError';
import { Icon } from '../../../components/Icon';
import type { Alert } from '../../../lib/contract';
import { downloadFile } from '../../../lib/download';
import { samplerText } from '../../../lib/monitoring-words';
import {
  clearMonitoringFocus,
  dismissAlerts,
  dismissMonitoringError,
  exportMetrics,
  loadMonitoring,
  loadReplyMetrics,
  useCanChange,
  useMonitoringFocus,
  useMonitoringState,
  useReplyMetrics,
} from '../../../state';
import { AlertRulesFields } from './AlertRulesFields';
import { EnergyStatusBlock } from './EnergyStatusBlock';
import { ReplyMetricsTable } from './ReplyMetricsTable';

function AlertsList({ alerts }: { alerts: Alert[] }) {
  const canChange = useCanChange();
  const newestFirst = [...alerts].sort((a, b) => b.at - a.at);
  return (
    <section className="monitoring-alerts" aria-label="Alerts">
      <div className="monitoring-subhead">
        <h4 className="subsection-title">Alerts</h4>
        <button type="button" className="button button-small" disabled={!canChange || alerts.length === 0} onClick={() => void dismissAlerts()}>
          Dismiss alerts
        </button>
      </div>
      {newestFirst.length === 0 ? (
        <p className="list-note">No alerts</p>
      ) : (
        <ul className="alert-list">
          {newestFirst.map((alert) => (
            <li key={alert.id} className={`alert-item alert-item-${alert.severity}`}>
              <time dateTime={new Date(alert.at).toISOString()} className="alert-time">
                {new Date(alert.at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}
              </time>
              <span className={`badge severity severity-${alert.severity}`}>{alert.severity}</span>
              <span className="alert-text">{alert.text}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function MetricsExport() {
  const canChange = useCanChange();
  const id = useId();
  const [format, setFormat] = useState<'json' | 'csv'>('json');
  async function save() {
    const outcome = await exportMetrics(format);
    if (outcome.ok) downloadFile(outcome.file);
  }
  return (
    <div className="metrics-export">
      <div className="field">
        <label htmlFor={id} className="field-label">
          Export format
        </label>
        <select id={id} className="field-input" value={format} onChange={(e) => setFormat(e.target.value === 'csv' ? 'csv' : 'json')}>
          <option value="json">JSON</option>
          <option value="csv">CSV</option>
        </select>
      </div>
      <button type="button" className="button" disabled={!canChange} onClick={() => void save()}>
        <Icon name="download" />
        Export metrics
      </button>
    </div>
  );
}

/**
 * Monitoring: where the energy figures come from, the alert rules, the alerts raised, the latest
 * replies' metrics and their export. The view follows the host's monitoring events while shown
 * (TuningPanel starts the following).
 */
export function MonitoringSection() {
  const { monitoring, status, error, actionError } = useMonitoringState();
  const { metrics, error: metricsError } = useReplyMetrics();
  const focus = useMonitoringFocus();
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!focus) return;
    ref.current?.scrollIntoView?.({ block: 'start' });
    clearMonitoringFocus();
  }, [focus]);

  return (
    <section className="tuning-section monitoring" aria-label="Monitoring" ref={ref}>
      <h3 className="section-title">Monitoring</h3>
      {monitoring && <p className="field-hint sampler-line">{samplerText(monitoring.sampler)}</p>}
      <DismissibleError message={actionError} onDismiss={dismissMonitoringError} className="monitoring-notice" />
      {status === 'error' && !monitoring && (
        <div className="notice notice-error" role="alert">
          <span>Could not read the monitoring: {error}</span>
          <button type="button" className="button" onClick={() => void loadMonitoring()}>
            Try again
          </button>
        </div>
      )}
      {!monitoring && status !== 'error' && <p className="list-note">Reading the monitoring…</p>}
      {monitoring && (
        <>
          <div className="monitoring-group">
            <h4 className="subsection-title">Energy</h4>
            <EnergyStatusBlock energy={monitoring.energy} />
          </div>
          <div className="monitoring-group">
            <h4 className="subsection-title">Alert rules</h4>
            <AlertRulesFields monitoring={monitoring} />
          </div>
          <div className="monitoring-group">
            <AlertsList alerts={monitoring.alerts} />
          </div>
        </>
      )}
      <div className="monitoring-group">
        <h4 className="subsection-title">Recent replies</h4>
        {metricsError && (
          <div className="notice notice-error" role="alert">
            <span>Could not read the replies' metrics: {metricsError}</span>
            <button type="button" className="button" onClick={() => void loadReplyMetrics()}>
              Try again
            </button>
          </div>
        )}
        {metrics && metrics.length === 0 && <p className="list-note">No reply has been measured yet.</p>}
        {metrics && metrics.length > 0 && <ReplyMetricsTable rows={metrics} />}
        <MetricsExport />
      </div>
    </section>
  );
}

import type { Alert, ExportedFile, MonitoringChanges, MonitoringState, Readouts, Unsubscribe } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';
import { following } from './following';

const { setState } = useTernStore;

/** How many replies the Monitoring view lists. */
export const REPLY_METRICS_SHOWN = 20;

/** What a monitoring change answers: the state as the host keeps it, or the error to show. */
export type MonitoringOutcome = { ok: true; monitoring: MonitoringState } | { ok: false; error: string };

/**
 * A readouts event: kept per conversation, latest only. Readouts of a request from the local API
 * (no conversation) are not shown in a conversation.
 */
export function setReadouts(readouts: Readouts): void {
  const conversationId = readouts.conversationId;
  if (!conversationId) {
    if (readouts.source === 'api') setState({ apiReadouts: readouts });
    return;
  }
  setState((s) => ({ readouts: { ...s.readouts, [conversationId]: readouts } }));
}

/** The monitoring state from a call or a monitoringChanged event. */
export function setMonitoring(monitoring: MonitoringState): void {
  setState({ monitoring, monitoringStatus: 'ready', monitoringError: null });
}

/**
 * An alert event: the chat pane's notice shows it, and the Monitoring view's list has it at once
 * (the host's monitoringChanged follows with the same list).
 */
export function receiveAlert(alert: Alert): void {
  setState((s) => {
    const monitoring =
      s.monitoring && !s.monitoring.alerts.some((a) => a.id === alert.id)
        ? { ...s.monitoring, alerts: [alert, ...s.monitoring.alerts].sort((a, b) => b.at - a.at) }
        : s.monitoring;
    return { alertNotice: alert, monitoring };
  });
}

export function dismissAlertNotice(): void {
  setState({ alertNotice: null });
}

/** Opens the Tuning view at its Monitoring section (from the chat pane's alert notice). */
export function openMonitoring(): void {
  setState({ view: 'tuning', monitoringFocus: true, alertNotice: null });
}

/** The Monitoring section has been brought into view. */
export function clearMonitoringFocus(): void {
  setState({ monitoringFocus: false });
}

export async function loadMonitoring(): Promise<void> {
  setState((s) => ({ monitoringStatus: s.monitoringStatus === 'ready' ? 'ready' : 'loading', monitoringError: null }));
  try {
    setMonitoring(await getStoreApi().getMonitoring({}));
  } catch (error) {
    setState({ monitoringStatus: 'error', monitoringError: describeError(error) });
  }
}

let metricsRequest = 0;

/** The latest replies' metrics; a slower earlier answer does not overwrite a later one. */
export async function loadReplyMetrics(): Promise<void> {
  const request = ++metricsRequest;
  try {
    const replyMetrics = await getStoreApi().listReplyMetrics({ limit: REPLY_METRICS_SHOWN });
    if (request === metricsRequest) setState({ replyMetrics, replyMetricsError: null });
  } catch (error) {
    if (request === metricsRequest) setState({ replyMetricsError: describeError(error) });
  }
}

const monitoringFollow = following(() => {
  const on = getStoreApi().on;
  const stops = [
    on.monitoringChanged((monitoring) => {
      setMonitoring(monitoring);
      void loadReplyMetrics();
    }),
    on.alert(() => void loadReplyMetrics()),
    on.chatStream((event) => {
      if (event.type === 'finished') void loadReplyMetrics();
    }),
  ];
  void loadMonitoring();
  void loadReplyMetrics();
  return () => {
    for (const stop of stops) stop();
  };
});

/**
 * Keeps the monitoring state and the latest replies' metrics current while the Tuning view shows
 * them: loaded when the first follower starts, reloaded on monitoringChanged, alert and a finished
 * reply. Nothing is asked while no one follows (and nothing is polled). Returns the stop.
 */
export function followMonitoring(): Unsubscribe {
  return monitoringFollow.follow();
}

/** Loads the monitoring state and metrics again if the view follows them (after a reconnect). */
export function refreshMonitoring(): void {
  if (!monitoringFollow.active()) return;
  void loadMonitoring();
  void loadReplyMetrics();
}

async function change(what: string, run: () => Promise<MonitoringState>): Promise<MonitoringOutcome> {
  try {
    const monitoring = await run();
    setMonitoring(monitoring);
    setState({ monitoringActionError: null });
    return { ok: true, monitoring };
  } catch (error) {
    const message = `Could not ${what}: ${describeError(error)}`;
    setState({ monitoringActionError: message });
    return { ok: false, error: message };
  }
}

/** Changes rules, the error window, the retention or the CPU's rated power. */
export function updateMonitoring(changes: MonitoringChanges): Promise<MonitoringOutcome> {
  return change('change the monitoring', () => getStoreApi().updateMonitoring(changes));
}

export function resetAlertRules(): Promise<MonitoringOutcome> {
  return change('reset the alert rules', () => getStoreApi().resetAlertRules({}));
}

export async function dismissAlerts(): Promise<MonitoringOutcome> {
  const outcome = await change('dismiss the alerts', () => getStoreApi().dismissAlerts({}));
  if (outcome.ok) setState({ alertNotice: null });
  return outcome;
}

export function dismissMonitoringError(): void {
  setState({ monitoringActionError: null });
}

export type MetricsExportOutcome = { ok: true; file: ExportedFile } | { ok: false; error: string };

/** Every kept reply's metrics and the alerts, as JSON or CSV, ready to be offered as a download. */
export async function exportMetrics(format: 'json' | 'csv'): Promise<MetricsExportOutcome> {
  try {
    const { fileName, content } = await getStoreApi().exportMetrics({ format });
    setState({ monitoringActionError: null });
    return { ok: true, file: { fileName, content, mimeType: format === 'json' ? 'application/json' : 'text/csv' } };
  } catch (error) {
    const message = `Could not export the metrics: ${describeError(error)}`;
    setState({ monitoringActionError: message });
    return { ok: false, error: message };
  }
}


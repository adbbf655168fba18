import type { Alert, MonitoringState, Readouts, ReplyMetrics } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface MonitoringSlice {
  /** The latest readouts of each conversation's reply (the one streaming, or the last one), by conversation id. */
  readouts: Record<string, Readouts>;
  /** The latest readouts of a request from the local API (the one running, or the last one). */
  apiReadouts: Readouts | null;
  /** The rules, alerts, energy status and sampler as the host keeps them (null until loaded). */
  monitoring: MonitoringState | null;
  monitoringStatus: LoadStatus;
  monitoringError: string | null;
  /** The last rule change, reset, dismiss or export that failed, said plainly. */
  monitoringActionError: string | null;
  /** The latest replies' metrics, newest first (null until loaded). */
  replyMetrics: ReplyMetrics[] | null;
  replyMetricsError: string | null;
  /** The latest alert, shown in the chat pane until dismissed. */
  alertNotice: Alert | null;
  /** The Tuning view should bring its Monitoring section into view (Open monitoring). */
  monitoringFocus: boolean;
}

export const initialMonitoringSlice = (): MonitoringSlice => ({
  readouts: {},
  apiReadouts: null,
  monitoring: null,
  monitoringStatus: 'idle',
  monitoringError: null,
  monitoringActionError: null,
  replyMetrics: null,
  replyMetricsError: null,
  alertNotice: null,
  monitoringFocus: false,
});

import { Icon } from '../../../components/Icon';
import { dismissAlertNotice, openMonitoring, useAlertNotice } from '../../../state';

const SEVERITY_WORDS = { warning: 'Warning', critical: 'Critical' } as const;

/** The latest alert a reply raised ("Warning: Decode 3.1 tok/s, below 5 tok/s"), until dismissed. */
export function AlertNotice() {
  const alert = useAlertNotice();
  if (!alert) return null;
  return (
    <div className={`notice alert-notice alert-notice-${alert.severity}`} role="status">
      <span>
        <strong>{SEVERITY_WORDS[alert.severity]}:</strong> {alert.text}
      </span>
      <span className="alert-notice-actions">
        <button type="button" className="button button-small" onClick={openMonitoring}>
          Open monitoring
        </button>
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismissAlertNotice}>
          <Icon name="close" />
        </button>
      </span>
    </div>
  );
}

import { useEffect, useId, useState } from 'react';
import { DismissibleError } from '../../../components/DismissibleError';
import { formatRelativeTime } from '../../../lib/format';
import type { UpdateStatus } from '../../../lib/contract';
import {
  checkForUpdates,
  dismissUpdateError,
  downloadUpdate,
  installUpdate,
  loadUpdateStatus,
  setAutoUpdateCheck,
  useCanChange,
  useUpdateStatus,
} from '../../../state';
import '../../../styles/models.css';

/** What the status line says (only where updates are on). */
function stateText(status: UpdateStatus): string {
  const version = status.availableVersion ?? '';
  switch (status.state) {
    case 'idle':
      return 'Not checked yet.';
    case 'checking':
      return 'Checking…';
    case 'up-to-date':
      return 'Tern is up to date.';
    case 'available':
      return `Version ${version} is available.`;
    case 'downloading':
      return `Downloading version ${version}…`;
    case 'downloaded':
      return `Version ${version} is downloaded. Restart Tern to update.`;
    case 'error':
      return status.error ?? 'Something went wrong with the update.';
  }
}

/**
 * Updates: the version running, "Check for updates" and the switch of the automatic check, what
 * the last check found, and the download and the restart, each only when asked for. Where there
 * are no updates (tern serve, a run from source, no repository) the button is disabled and the
 * reason is said beside it.
 */
export function UpdatesSection() {
  const { status, loadStatus, error, actionError } = useUpdateStatus();
  const canChange = useCanChange();
  const titleId = useId();

  // Read each time Settings opens; updateStatus events follow it from then on.
  useEffect(() => {
    void loadUpdateStatus();
  }, []);

  return (
    <section className="settings-section updates" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title">
        Updates
      </h3>
      <p className="field-hint updates-intro">
        Tern goes online for updates only when you ask, or once a day if you switch on the automatic check. Nothing is
        downloaded or installed until you say so.
      </p>
      {status === null && loadStatus === 'error' && (
        <div className="notice notice-error updates-notice" role="alert">
          <span>Could not read the update status: {error}</span>
          <button type="button" className="button" onClick={() => void loadUpdateStatus()}>
            Try again
          </button>
        </div>
      )}
      {status === null && loadStatus !== 'error' && <p className="list-note">Reading the update status…</p>}
      {status && <UpdatesBody status={status} disabled={!canChange} />}
      <DismissibleError message={actionError} onDismiss={dismissUpdateError} className="updates-notice" />
    </section>
  );
}

function UpdatesBody({ status, disabled }: { status: UpdateStatus; disabled: boolean }) {
  const reasonId = useId();
  const autoHintId = useId();
  const [switching, setSwitching] = useState(false);
  const [asking, setAsking] = useState(false);
  const off = !status.enabled;
  // Nothing to check while a check or a download runs, or once an update waits for the restart.
  const busy = status.state === 'checking' || status.state === 'downloading' || status.state === 'downloaded';

  async function check() {
    setAsking(true);
    await checkForUpdates();
    setAsking(false);
  }

  async function toggle(enabled: boolean) {
    setSwitching(true);
    await setAutoUpdateCheck(enabled);
    setSwitching(false);
  }

  return (
    <>
      <p className="updates-version">
        Current version: <span className="updates-version-number">{status.currentVersion}</span>
      </p>
      <div className="updates-check">
        <button
          type="button"
          className="button"
          disabled={disabled || off || busy || asking}
          aria-describedby={off ? reasonId : undefined}
          onClick={() => void check()}
        >
          Check for updates
        </button>
        {off ? (
          <p id={reasonId} className="updates-reason">
            {status.reason}
          </p>
        ) : (
          <p role="status" className={`updates-state updates-state-${status.state}`}>
            {stateText(status)}
            {status.lastCheckedAt !== null && (status.state === 'up-to-date' || status.state === 'available') && (
              <span className="updates-checked-at"> Checked {formatRelativeTime(status.lastCheckedAt)}.</span>
            )}
          </p>
        )}
      </div>

      <label className="switch updates-auto">
        <input
          type="checkbox"
          role="switch"
          checked={status.autoCheck}
          disabled={disabled || off || switching}
          aria-describedby={off ? `${autoHintId} ${reasonId}` : autoHintId}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <span className="switch-track" aria-hidden="true" />
        <span className="switch-label">Check for updates automatically</span>
      </label>
      <p id={autoHintId} className="field-hint updates-auto-hint">
        Once shortly after Tern starts, then once a day while it runs.
      </p>

      {!off &&
        (status.availableVersion !== null && status.state !== 'checking' ? (
          <FoundUpdate status={status} disabled={disabled} />
        ) : (
          !status.canInstall && <UnsignedNote url={status.releasePageUrl} />
        ))}
    </>
  );
}

/** An unsigned macOS build cannot replace itself: the release page has the new versions. */
function UnsignedNote({ url }: { url: string | null }) {
  return (
    <p className="updates-unsigned">
      <span>This build is not signed, so it cannot update itself.</span>
      {url && (
        <a href={url} target="_blank" rel="noopener noreferrer" className="updates-link">
          Release page
        </a>
      )}
    </p>
  );
}

/**
 * The version found: its notes, then Download, the download's progress, or Restart to update; in
 * an unsigned macOS build, the release page instead.
 */
function FoundUpdate({ status, disabled }: { status: UpdateStatus; disabled: boolean }) {
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const version = status.availableVersion ?? '';
  const percent = Math.round((status.progress ?? 0) * 100);
  // After a failed download the version is still there to try again.
  const canDownload = status.canInstall && (status.state === 'available' || status.state === 'error');

  async function run(action: () => Promise<boolean>) {
    setBusy(true);
    await action();
    setBusy(false);
  }

  return (
    <div className="settings-subsection updates-found" role="group" aria-labelledby={titleId}>
      <h4 id={titleId} className="subsection-title">
        Tern {version}
      </h4>
      {status.releaseNotes && (
        <details className="updates-notes">
          <summary>What’s new</summary>
          <div className="updates-notes-text">{status.releaseNotes}</div>
        </details>
      )}
      {status.state === 'downloading' && (
        <div className="updates-progress-row">
          <div
            className="progress progress-downloading"
            role="progressbar"
            aria-label={`Downloading Tern ${version}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent}%`}
          >
            <div className="progress-fill" style={{ width: `${percent}%` }} />
          </div>
          <span className="updates-percent" aria-hidden="true">
            {percent}%
          </span>
        </div>
      )}
      {!status.canInstall && <UnsignedNote url={status.releasePageUrl} />}
      {(canDownload || status.state === 'downloaded') && (
        <div className="subsection-actions updates-actions">
          {canDownload && (
            <button type="button" className="button button-primary" disabled={disabled || busy} onClick={() => void run(downloadUpdate)}>
              Download update
            </button>
          )}
          {status.state === 'downloaded' && (
            <>
              <span className="field-hint">Tern quits, installs version {version} and starts again.</span>
              <button type="button" className="button button-primary" disabled={disabled || busy} onClick={() => void run(installUpdate)}>
                Restart to update
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}

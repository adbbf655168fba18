import { useEffect, useId, useRef, useState } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { DismissibleError } from '../../../components/DismissibleError';
import type { ApiSettings, ApiStatus } from '../../../lib/contract';
import {
  dismissApiError,
  loadApiStatus,
  rotateApiKey,
  updateApiSettings,
  useApiReadouts,
  useApiStatus,
  useCanChange,
  useEngine,
  useModel,
} from '../../../state';
import { LiveReadouts } from '../../chat/components/LiveReadouts';
import '../../../styles/monitoring.css';
import { CommitNumberField, CopyTextButton, parseOrigins } from './ApiFields';

const PORT_RULE = { min: 1024, max: 65_535, integer: true };
const MAX_TOKENS_RULE = { min: 1, max: 32_768, integer: true };
const PER_MINUTE_RULE = { min: 1, max: 100_000, integer: true };
const QUEUE_RULE = { min: 1, max: 1000, integer: true };
const TIMEOUT_RULE = { min: 5, max: 3600, integer: true };

/** The base URL clients use: the one it listens at, else the one it would (the port set). */
function baseUrl(status: ApiStatus): string {
  return status.address ?? `http://127.0.0.1:${status.settings.port}/v1`;
}

/** The port field's hint: what a change does, and the port of this run when tern serve --api-port chose another. */
function portHint(status: ApiStatus): string {
  const listening = status.address ? Number(new URL(status.address).port) : null;
  if (listening !== null && listening !== status.settings.port) return `Changing it restarts the API. This run listens on ${listening} (tern serve --api-port).`;
  return 'Changing it restarts the API.';
}

/** A request to copy: the chat endpoint with the key and the loaded model (or where to find an id). */
function curlExample(status: ApiStatus, modelId: string | null): string {
  const body = JSON.stringify({ model: modelId ?? 'MODEL_ID', messages: [{ role: 'user', content: 'Hello' }] });
  return [
    `curl ${baseUrl(status)}/chat/completions \\`,
    `  -H "Authorization: Bearer ${status.key ?? 'KEY'}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d '${body}'`,
  ].join('\n');
}

/**
 * The local OpenAI-compatible API: its switch, whether it listens (and where, or why not), the
 * requests it serves, its key, port, limits, CORS origins and debug log. Each change goes to the
 * host at once; the host's apiStatus events keep the view current.
 */
export function LocalApiSection() {
  const { status, loadStatus, error, actionError } = useApiStatus();
  const canChange = useCanChange();
  const titleId = useId();

  // Read each time Settings opens; apiStatus events follow it from then on.
  useEffect(() => {
    void loadApiStatus();
  }, []);

  return (
    <section className="settings-section local-api" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title">
        Local API
      </h3>
      <p className="field-hint">
        An OpenAI-compatible server for other programs on this computer (editors, scripts, agents). It listens on 127.0.0.1 only
        and every request needs the key below.
      </p>
      {status === null && loadStatus === 'error' && (
        <div className="notice notice-error local-api-notice" role="alert">
          <span>Could not read the local API&apos;s status: {error}</span>
          <button type="button" className="button" onClick={() => void loadApiStatus()}>
            Try again
          </button>
        </div>
      )}
      {status === null && loadStatus !== 'error' && <p className="list-note">Reading the local API&apos;s status…</p>}
      {status && <LocalApiBody status={status} disabled={!canChange} />}
      <DismissibleError message={actionError} onDismiss={dismissApiError} className="local-api-notice" />
    </section>
  );
}

/** The readouts of the API request running now, or of the last one (API traffic, measured as chat replies are). */
function ApiReadouts() {
  const readouts = useApiReadouts();
  if (!readouts) return null;
  return (
    <LiveReadouts
      readouts={readouts}
      writing={readouts.phase !== 'done'}
      label="API readouts"
      titles={{ writing: 'API request: writing…', last: 'Last API request' }}
    />
  );
}

function LocalApiBody({ status, disabled }: { status: ApiStatus; disabled: boolean }) {
  const { settings } = status;
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [switching, setSwitching] = useState(false);
  // The example names the loaded model as the API does: its file name without .gguf.
  const loaded = useModel(useEngine()?.modelId ?? null);
  const modelId = loaded ? loaded.fileName.replace(/\.gguf$/i, '') : null;
  const change = (changes: Partial<ApiSettings>) => updateApiSettings(changes);

  async function toggle(enabled: boolean) {
    setSwitching(true);
    await updateApiSettings({ enabled });
    setSwitching(false);
  }

  return (
    <>
      <div className="local-api-head">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={settings.enabled}
            disabled={disabled || switching}
            onChange={(e) => void toggle(e.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
          <span className="switch-label">Local API</span>
        </label>
        <ApiState status={status} />
      </div>
      {!settings.enabled && status.on && <p className="field-hint local-api-run-note">On for this run (tern serve --api)</p>}

      {status.listening && (
        <p className="local-api-requests">
          {status.active} answering now, {status.queued} waiting; {status.served} served since it started.
        </p>
      )}
      <ApiReadouts />

      <div className="settings-subsection local-api-key">
        <h4 className="subsection-title">Key</h4>
        {status.key ? (
          <p className="inline-row">
            <code className="api-key">{status.key}</code>
          </p>
        ) : (
          <p className="field-hint">No key yet: one is made when the API first starts.</p>
        )}
        <p className="field-hint">Programs send it as “Authorization: Bearer” followed by the key.</p>
        <div className="subsection-actions">
          {status.key && <CopyTextButton text={status.key} label="Copy key" />}
          <button type="button" className="button button-small" disabled={disabled} onClick={() => setConfirmRotate(true)}>
            Rotate key
          </button>
        </div>
      </div>

      <div className="field-grid local-api-limits">
        <CommitNumberField
          label="Port"
          value={settings.port}
          rule={PORT_RULE}
          disabled={disabled}
          hint={portHint(status)}
          onCommit={(port) => change({ port })}
        />
        <CommitNumberField
          label="Max tokens a request may ask for"
          value={settings.maxTokensCap}
          rule={MAX_TOKENS_RULE}
          disabled={disabled}
          hint="More is refused (400)."
          onCommit={(maxTokensCap) => change({ maxTokensCap })}
        />
        <CommitNumberField
          label="Requests a minute"
          value={settings.requestsPerMinute}
          rule={PER_MINUTE_RULE}
          disabled={disabled}
          hint="Per key; more are refused (429) until the minute is over. The app's own do not count."
          onCommit={(requestsPerMinute) => change({ requestsPerMinute })}
        />
        <CommitNumberField
          label="Queue limit"
          value={settings.queueLimit}
          rule={QUEUE_RULE}
          disabled={disabled}
          hint="Requests running or waiting at once; more are refused (429)."
          onCommit={(queueLimit) => change({ queueLimit })}
        />
        <CommitNumberField
          label="Timeout (seconds)"
          value={settings.timeoutSeconds}
          rule={TIMEOUT_RULE}
          disabled={disabled}
          hint="A request running longer ends with what it has."
          onCommit={(timeoutSeconds) => change({ timeoutSeconds })}
        />
      </div>

      <OriginsField origins={settings.corsOrigins} disabled={disabled} />

      <label className="check local-api-debug">
        <input type="checkbox" checked={settings.debugLog} disabled={disabled} onChange={(e) => void change({ debugLog: e.target.checked })} />
        Log request content (debug)
      </label>
      <p className="field-hint">Off: only each request&apos;s size, timing and status are logged.</p>

      <Example status={status} modelId={modelId} />

      {confirmRotate && !disabled && (
        <ConfirmDialog
          title="Make a new key?"
          confirmLabel="Make a new key"
          danger
          onConfirm={() => {
            setConfirmRotate(false);
            void rotateApiKey();
          }}
          onCancel={() => setConfirmRotate(false)}
        >
          <p>The old key stops working at once: programs using it need the new one.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Listening at the address (copyable), why not, starting, or off. */
function ApiState({ status }: { status: ApiStatus }) {
  if (status.listening && status.address) {
    return (
      <div className="local-api-state inline-row">
        <span aria-live="polite" className="api-state on">
          Listening at <code>{status.address}</code>
        </span>
        <CopyTextButton text={status.address} label="Copy address" />
      </div>
    );
  }
  if (status.on && status.error) {
    return (
      <p aria-live="polite" className="api-state failed">
        Not serving: {status.error}
      </p>
    );
  }
  return (
    <p aria-live="polite" className="api-state">
      {status.on ? 'Starting…' : 'Off'}
    </p>
  );
}

/** The CORS origins, one a line, sent on leaving the field. */
function OriginsField({ origins, disabled }: { origins: string[]; disabled: boolean }) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sending = useRef<string | null>(null);

  async function commit() {
    if (draft === null || sending.current === draft) return;
    const parsed = parseOrigins(draft);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    const typed = draft;
    if (parsed.origins.join('\n') !== origins.join('\n')) {
      sending.current = typed;
      await updateApiSettings({ corsOrigins: parsed.origins });
      sending.current = null;
    }
    setDraft((current) => (current === typed ? null : current));
  }

  const describedBy = [error ? `${id}-error` : null, `${id}-hint`].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field local-api-origins invalid' : 'field local-api-origins'}>
      <label htmlFor={id} className="field-label">
        Allowed web origins (CORS)
      </label>
      <textarea
        id={id}
        className="field-input field-textarea"
        rows={3}
        spellCheck={false}
        value={draft ?? origins.join('\n')}
        placeholder="None"
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          setDraft(e.target.value);
          setError(null);
        }}
        onBlur={() => void commit()}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
      <p id={`${id}-hint`} className="field-hint">
        One a line, like http://localhost:5173. Empty: web pages cannot call the API (programs still can).
      </p>
    </div>
  );
}

function Example({ status, modelId }: { status: ApiStatus; modelId: string | null }) {
  const titleId = useId();
  const example = curlExample(status, modelId);
  return (
    <div className="local-api-example" role="group" aria-labelledby={titleId}>
      <div className="local-api-example-head">
        <h4 id={titleId} className="subsection-title">
          Try it
        </h4>
        <CopyTextButton text={example} label="Copy example" />
      </div>
      <pre className="local-api-example-code">
        <code>{example}</code>
      </pre>
      {!modelId && <p className="field-hint">Replace MODEL_ID with an id from {baseUrl(status)}/models.</p>}
    </div>
  );
}

import { useId, useState, type KeyboardEvent } from 'react';
import type { HubInfo } from '../../../lib/contract';
import { loadHubInfo, saveHubToken, useCanChange, useHubInfo } from '../../../state';

const MAX_TOKEN = 512;

const TOKEN_STATUS: Record<'saved' | 'env' | 'none', string> = {
  saved: 'A token is saved',
  env: 'Using HF_TOKEN from the environment',
  none: 'No token: gated repositories will ask for one',
};

function tokenStatus(info: HubInfo): string {
  return TOKEN_STATUS[info.token ?? 'none'];
}

type Message = { kind: 'done' | 'error'; text: string } | null;

/**
 * The token for gated repositories. The desktop app keeps one (encrypted by the system); a
 * headless host only reads HF_TOKEN, so there it is only said where the token comes from.
 */
export function HubTokenSettings() {
  const { info, status, error } = useHubInfo();
  const canChange = useCanChange();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const titleId = useId();
  const inputId = useId();

  async function save(value: string | null) {
    if (value !== null) {
      const trimmed = value.trim();
      if (!trimmed) {
        setMessage({ kind: 'error', text: 'Paste the token first.' });
        return;
      }
      if (trimmed.length > MAX_TOKEN) {
        setMessage({ kind: 'error', text: `That is not a token: it is longer than ${MAX_TOKEN} characters.` });
        return;
      }
      value = trimmed;
    }
    setBusy(true);
    setMessage(null);
    const outcome = await saveHubToken(value);
    setBusy(false);
    if (!outcome.ok) {
      setMessage({ kind: 'error', text: outcome.error });
      return;
    }
    setToken('');
    setMessage({ kind: 'done', text: value === null ? 'The token is forgotten.' : 'The token is saved.' });
  }

  /** Enter saves the token rather than the whole form. */
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    if (!busy && canChange) void save(token);
  }

  return (
    <div className="settings-subsection" role="group" aria-labelledby={titleId}>
      <h4 id={titleId} className="subsection-title">
        Token for gated repositories
      </h4>
      {!info && status === 'error' && (
        <div className="inline-notice notice-error" role="alert">
          <span>Could not read the hub settings: {error}</span>
          <button type="button" className="button button-small" disabled={!canChange} onClick={() => void loadHubInfo()}>
            Try again
          </button>
        </div>
      )}
      {!info && status !== 'error' && <p className="field-hint">Reading the hub settings…</p>}
      {info && (
        <>
          <p className={info.token ? 'token-status has-token' : 'token-status'} aria-live="polite">
            {tokenStatus(info)}
          </p>
          {info.canSaveToken ? (
            <>
              <div className="field">
                <label htmlFor={inputId} className="field-label">
                  Hugging Face token
                </label>
                <div className="inline-row">
                  <input
                    id={inputId}
                    className="field-input"
                    type="password"
                    autoComplete="off"
                    spellCheck={false}
                    maxLength={MAX_TOKEN + 64}
                    value={token}
                    placeholder={info.token === 'saved' ? 'Paste a new token to replace it' : 'hf_…'}
                    aria-describedby={`${inputId}-hint`}
                    onChange={(e) => {
                      setToken(e.target.value);
                      setMessage(null);
                    }}
                    onKeyDown={onKeyDown}
                  />
                  <button type="button" className="button" disabled={busy || !canChange || !token.trim()} onClick={() => void save(token)}>
                    Save token
                  </button>
                  <button type="button" className="button" disabled={busy || !canChange || info.token !== 'saved'} onClick={() => void save(null)}>
                    Forget token
                  </button>
                </div>
                <p id={`${inputId}-hint`} className="field-hint">
                  A read token from your Hugging Face account settings, for models that ask you to accept their terms. Kept
                  encrypted by the system; a saved token is used before HF_TOKEN.
                </p>
              </div>
            </>
          ) : (
            <p className="field-hint">Set HF_TOKEN before starting tern serve to download gated models.</p>
          )}
          {message && (
            <p className={message.kind === 'error' ? 'form-message error' : 'form-message'} role={message.kind === 'error' ? 'alert' : 'status'}>
              {message.text}
            </p>
          )}
        </>
      )}
    </div>
  );
}

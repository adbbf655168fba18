import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { NumberField } from '../../../components/NumberField';
import { SamplingFields } from '../../../components/SamplingFields';
import type { AppSettings, SettingsChanges } from '../../../lib/contract';
import { PARALLEL_RULE, parseHubEndpoint } from '../../../lib/downloads-form';
import { parseNumber } from '../../../lib/number-field';
import { parseSampling, samplingDraft, type SamplingDraft, type SamplingErrors, type SamplingKey } from '../../../lib/sampling-form';
import { resetSettings, saveSettings, useCanChange, type SettingsOutcome } from '../../../state';
import { DownloadsSection } from './DownloadsSection';

interface Draft {
  systemPrompt: string;
  sampling: SamplingDraft;
  contextTokens: string;
  idleUnloadMinutes: string;
  parallelDownloads: string;
  /** '' for none: HF_ENDPOINT or the hub. */
  hubEndpoint: string;
}

interface Errors {
  sampling: SamplingErrors;
  contextTokens?: string;
  idleUnloadMinutes?: string;
  parallelDownloads?: string;
  hubEndpoint?: string;
}

const CONTEXT_RULE = { min: 256, max: 131_072, integer: true };
const IDLE_RULE = { min: 0, max: 24 * 60, integer: true };

function toDraft(settings: AppSettings): Draft {
  return {
    systemPrompt: settings.systemPrompt,
    sampling: samplingDraft(settings.sampling),
    contextTokens: String(settings.contextTokens),
    idleUnloadMinutes: String(settings.idleUnloadMinutes),
    parallelDownloads: String(settings.parallelDownloads),
    hubEndpoint: settings.hubEndpoint ?? '',
  };
}

function sameDraft(a: Draft, b: Draft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Message = { kind: 'saved' | 'error'; text: string } | null;

/** The settings as a form: checked here before updateSettings; Reset asks first. */
export function SettingsForm({ settings }: { settings: AppSettings }) {
  const [draft, setDraft] = useState(() => toDraft(settings));
  const [base, setBase] = useState(settings);
  const [errors, setErrors] = useState<Errors>({ sampling: {} });
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);
  const canChange = useCanChange();
  const [confirmReset, setConfirmReset] = useState(false);
  const promptId = useId();

  // Settings changed elsewhere (another window, a reset): follow them unless the user is editing.
  if (settings !== base) {
    setBase(settings);
    if (sameDraft(draft, toDraft(base))) setDraft(toDraft(settings));
  }

  function edit(change: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...change }));
    setMessage(null);
  }

  function editSampling(key: SamplingKey, value: string) {
    edit({ sampling: { ...draft.sampling, [key]: value } });
    setErrors((current) => ({ ...current, sampling: { ...current.sampling, [key]: undefined } }));
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const sampling = parseSampling(draft.sampling, 'defaults');
    const contextTokens = parseNumber(draft.contextTokens, CONTEXT_RULE);
    const idle = parseNumber(draft.idleUnloadMinutes, IDLE_RULE);
    const parallel = parseNumber(draft.parallelDownloads, PARALLEL_RULE);
    const endpoint = parseHubEndpoint(draft.hubEndpoint);
    const next: Errors = { sampling: sampling.errors };
    if (!contextTokens.ok) next.contextTokens = contextTokens.error;
    if (!idle.ok) next.idleUnloadMinutes = idle.error;
    if (!parallel.ok) next.parallelDownloads = parallel.error;
    if (!endpoint.ok) next.hubEndpoint = endpoint.error;
    setErrors(next);
    if (Object.keys(sampling.errors).length > 0 || !contextTokens.ok || !idle.ok || !parallel.ok || !endpoint.ok) {
      setMessage({ kind: 'error', text: 'Some values are out of range or not valid; see the fields marked.' });
      return;
    }
    const changes: SettingsChanges = {
      systemPrompt: draft.systemPrompt,
      sampling: sampling.values,
      contextTokens: contextTokens.value,
      idleUnloadMinutes: idle.value,
    };
    // The downloads settings go only when changed here: saving the other defaults never undoes
    // a change made to them elsewhere.
    if (parallel.value !== settings.parallelDownloads) changes.parallelDownloads = parallel.value;
    if (endpoint.value !== settings.hubEndpoint) changes.hubEndpoint = endpoint.value;
    setBusy(true);
    const outcome = await saveSettings(changes);
    setBusy(false);
    finish(outcome, 'Settings saved.');
  }

  async function reset() {
    setConfirmReset(false);
    setBusy(true);
    const outcome = await resetSettings();
    setBusy(false);
    setErrors({ sampling: {} });
    finish(outcome, 'Settings are back to their defaults.');
  }

  /** After a save or reset the form shows exactly what the host stored. */
  function finish(outcome: SettingsOutcome, done: string) {
    if (!outcome.ok) {
      setMessage({ kind: 'error', text: outcome.error });
      return;
    }
    setDraft(toDraft(outcome.settings));
    setMessage({ kind: 'saved', text: done });
  }

  return (
    <form className="settings-form" onSubmit={(e) => void save(e)} noValidate>
      <section className="settings-section" aria-labelledby={`${promptId}-title`}>
        <h3 id={`${promptId}-title`} className="section-title">
          Conversations
        </h3>
        <div className="field">
          <label htmlFor={promptId} className="field-label">
            Default system prompt
          </label>
          <textarea
            id={promptId}
            className="field-input field-textarea"
            rows={4}
            maxLength={20_000}
            value={draft.systemPrompt}
            placeholder="None"
            onChange={(e) => edit({ systemPrompt: e.target.value })}
          />
          <p className="field-hint">Used by conversations that do not set their own. Empty: no system prompt.</p>
        </div>
      </section>

      <fieldset className="settings-section fieldset">
        <legend className="section-title">Sampling defaults</legend>
        <SamplingFields draft={draft.sampling} errors={errors.sampling} onChange={editSampling} />
      </fieldset>

      <fieldset className="settings-section fieldset">
        <legend className="section-title">Engine</legend>
        <div className="field-grid">
          <NumberField
            label="Context size cap (tokens)"
            value={draft.contextTokens}
            inputMode="decimal"
            onChange={(e) => {
              edit({ contextTokens: e.target.value });
              setErrors((current) => ({ ...current, contextTokens: undefined }));
            }}
            min={CONTEXT_RULE.min}
            max={CONTEXT_RULE.max}
            step={256}
            hint="The model's own context, capped at this."
            error={errors.contextTokens}
          />
          <NumberField
            label="Unload after idle (minutes)"
            value={draft.idleUnloadMinutes}
            inputMode="decimal"
            onChange={(e) => {
              edit({ idleUnloadMinutes: e.target.value });
              setErrors((current) => ({ ...current, idleUnloadMinutes: undefined }));
            }}
            min={IDLE_RULE.min}
            max={IDLE_RULE.max}
            step={1}
            hint="Frees the memory when unused this long; 0: never."
            error={errors.idleUnloadMinutes}
          />
        </div>
      </fieldset>

      <DownloadsSection
        parallelDownloads={draft.parallelDownloads}
        hubEndpoint={draft.hubEndpoint}
        errors={errors}
        onParallelDownloads={(value) => {
          edit({ parallelDownloads: value });
          setErrors((current) => ({ ...current, parallelDownloads: undefined }));
        }}
        onHubEndpoint={(value) => {
          edit({ hubEndpoint: value });
          setErrors((current) => ({ ...current, hubEndpoint: undefined }));
        }}
      />

      <div className="form-actions">
        {message && (
          <p className={message.kind === 'error' ? 'form-message error' : 'form-message'} role={message.kind === 'error' ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
        <button type="button" className="button" disabled={busy || !canChange} onClick={() => setConfirmReset(true)}>
          Reset to defaults
        </button>
        <button type="submit" className="button button-primary" disabled={busy || !canChange}>
          Save
        </button>
      </div>

      {confirmReset && canChange && (
        <ConfirmDialog title="Reset all settings?" confirmLabel="Reset" onConfirm={() => void reset()} onCancel={() => setConfirmReset(false)}>
          <p>
            The system prompt, sampling, context cap, idle unload, downloads at once and Hugging Face endpoint go back to their
            defaults. Conversations keep their own settings; the saved token and the models folder stay as they are.
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}

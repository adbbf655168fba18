import { useId, useState, type FormEvent } from 'react';
import { Icon } from '../../../components/Icon';
import { SamplingFields } from '../../../components/SamplingFields';
import type { Conversation, ConversationSettings } from '../../../lib/contract';
import { parseSampling, samplingDraft, type SamplingErrors, type SamplingKey } from '../../../lib/sampling-form';
import { saveConversationSettings, useAppSettings, useCanChange } from '../../../state';

interface ConversationSettingsPanelProps {
  conversation: Conversation;
  onClose: () => void;
}

/**
 * This conversation's own system prompt and sampling. Empty fields follow Settings (their values
 * show as placeholders); "No system prompt" sends none at all.
 */
export function ConversationSettingsPanel({ conversation, onClose }: ConversationSettingsPanelProps) {
  const defaults = useAppSettings();
  const own = conversation.settings;
  const [prompt, setPrompt] = useState(own.systemPrompt ?? '');
  const [noPrompt, setNoPrompt] = useState(own.systemPrompt === '');
  const [sampling, setSampling] = useState(() => samplingDraft(own.sampling));
  const [errors, setErrors] = useState<SamplingErrors>({});
  const [message, setMessage] = useState<{ kind: 'saved' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const canChange = useCanChange();
  const promptId = useId();

  function change(key: SamplingKey, value: string) {
    setSampling((draft) => ({ ...draft, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined }));
    setMessage(null);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const parsed = parseSampling(sampling, 'overrides');
    setErrors(parsed.errors);
    if (Object.keys(parsed.errors).length > 0) {
      setMessage({ kind: 'error', text: 'Some values are out of range; see the fields marked.' });
      return;
    }
    const settings: ConversationSettings = {};
    if (noPrompt) settings.systemPrompt = '';
    else if (prompt.trim()) settings.systemPrompt = prompt;
    if (Object.keys(parsed.values).length > 0) settings.sampling = parsed.values;
    setSaving(true);
    const error = await saveConversationSettings(conversation.id, settings);
    setSaving(false);
    setMessage(error ? { kind: 'error', text: error } : { kind: 'saved', text: 'Saved for this conversation.' });
  }

  const defaultPrompt = defaults?.systemPrompt;
  const placeholder =
    defaultPrompt === undefined ? 'The default from Settings' : defaultPrompt ? defaultPrompt : 'Settings has no default system prompt';

  return (
    <section id="conversation-settings" className="conversation-settings" aria-label="Conversation settings">
      <form onSubmit={(e) => void save(e)} noValidate>
        <div className="conversation-settings-head">
          <h3 className="section-title">This conversation</h3>
          <button type="button" className="icon-button" aria-label="Close conversation settings" onClick={onClose}>
            <Icon name="close" />
          </button>
        </div>
        <div className="field">
          <label htmlFor={promptId} className="field-label">
            System prompt
          </label>
          <textarea
            id={promptId}
            className="field-input field-textarea"
            rows={3}
            maxLength={20_000}
            value={noPrompt ? '' : prompt}
            disabled={noPrompt}
            placeholder={noPrompt ? 'No system prompt' : placeholder}
            onChange={(e) => {
              setPrompt(e.target.value);
              setMessage(null);
            }}
          />
          <label className="check">
            <input
              type="checkbox"
              checked={noPrompt}
              onChange={(e) => {
                setNoPrompt(e.target.checked);
                setMessage(null);
              }}
            />
            No system prompt
          </label>
          <p className="field-hint">Empty: the default system prompt from Settings.</p>
        </div>
        <fieldset className="fieldset">
          <legend className="field-legend">Sampling (empty fields follow Settings)</legend>
          <SamplingFields draft={sampling} errors={errors} onChange={change} fallback={defaults?.sampling ?? null} />
        </fieldset>
        <div className="form-actions">
          {message && (
            <p className={message.kind === 'error' ? 'form-message error' : 'form-message'} role={message.kind === 'error' ? 'alert' : 'status'}>
              {message.text}
            </p>
          )}
          <button type="submit" className="button button-primary" disabled={saving || !canChange}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

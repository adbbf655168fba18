import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import type { ModelFile, TuningProfile, TuningState } from '../../../lib/contract';
import { modelName } from '../../../lib/format';
import { valuesText } from '../../../lib/tuning-words';
import {
  applyTuningProfile,
  deleteTuningProfile,
  saveTuningProfile,
  setModelProfile,
  useCanChange,
  useModels,
} from '../../../state';

function sameValues(a: TuningProfile['values'], b: TuningProfile['values']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function ModelProfileSelect({ model, tuning }: { model: ModelFile; tuning: TuningState }) {
  const canChange = useCanChange();
  const id = useId();
  const current = tuning.modelProfiles[model.id] ?? '';
  return (
    <div className="field model-profile">
      <label htmlFor={id} className="field-label">
        Default profile for {modelName(model)}
      </label>
      <select
        id={id}
        className="field-input"
        value={current}
        disabled={!canChange}
        onChange={(e) => void setModelProfile(model.id, e.target.value || null)}
      >
        <option value="">None (the values in force)</option>
        {tuning.profiles.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Saved sets of values: save the current ones, apply, delete; a model's own default profile. */
export function ProfilesSection({ tuning }: { tuning: TuningState }) {
  const canChange = useCanChange();
  const models = useModels().filter((m) => m.problem === null);
  const nameId = useId();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<TuningProfile | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setNameError('Enter a name.');
      return;
    }
    setBusy(true);
    const outcome = await saveTuningProfile(trimmed);
    setBusy(false);
    if (outcome.ok) setName('');
  }

  async function remove(profile: TuningProfile) {
    setDeleting(null);
    await deleteTuningProfile(profile.id);
  }

  return (
    <div className="profiles">
      <form className="profile-save" onSubmit={(e) => void save(e)} noValidate>
        <div className={nameError ? 'field invalid' : 'field'}>
          <label htmlFor={nameId} className="field-label">
            Profile name
          </label>
          <div className="inline-row">
            <input
              id={nameId}
              className="field-input"
              value={name}
              maxLength={80}
              placeholder="e.g. Quiet on battery"
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? `${nameId}-error` : `${nameId}-hint`}
              onChange={(e) => {
                setName(e.target.value);
                setNameError(null);
              }}
            />
            <button type="submit" className="button" disabled={busy || !canChange}>
              Save profile
            </button>
          </div>
          {nameError ? (
            <p id={`${nameId}-error`} className="field-error">
              {nameError}
            </p>
          ) : (
            <p id={`${nameId}-hint`} className="field-hint">
              Saves the values in force: {valuesText(tuning.values)}.
            </p>
          )}
        </div>
      </form>

      {tuning.profiles.length === 0 ? (
        <p className="list-note">No saved profiles yet.</p>
      ) : (
        <ul className="profile-list" aria-label="Saved profiles">
          {tuning.profiles.map((profile) => {
            const inUse = sameValues(profile.values, tuning.values);
            return (
              <li key={profile.id} className="profile-row">
                <div className="profile-text">
                  <span className="profile-name">
                    {profile.name}
                    {inUse && <span className="badge badge-yes">in use</span>}
                  </span>
                  <span className="field-hint">{valuesText(profile.values)}</span>
                </div>
                <div className="profile-actions">
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Apply profile ${profile.name}`}
                    disabled={!canChange}
                    onClick={() => void applyTuningProfile(profile.id)}
                  >
                    Apply
                  </button>
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    aria-label={`Delete profile ${profile.name}`}
                    disabled={!canChange}
                    onClick={() => setDeleting(profile)}
                  >
                    Delete
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}

      <div className="model-profiles">
        <h4 className="subsection-title">A model's own profile</h4>
        <p className="field-hint">Applied when a conversation with the model loads it.</p>
        {models.length === 0 ? (
          <p className="list-note">No installed model the engine can run.</p>
        ) : tuning.profiles.length === 0 ? (
          <p className="list-note">Save a profile to make it a model's default.</p>
        ) : (
          <div className="field-grid">
            {models.map((model) => (
              <ModelProfileSelect key={model.id} model={model} tuning={tuning} />
            ))}
          </div>
        )}
      </div>

      {deleting && canChange && (
        <ConfirmDialog
          title={`Delete the profile “${deleting.name}”?`}
          confirmLabel="Delete"
          danger
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            {Object.values(tuning.modelProfiles).includes(deleting.id)
              ? 'Models that use it as their default go back to the values in force. '
              : ''}
            The values in force stay as they are.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

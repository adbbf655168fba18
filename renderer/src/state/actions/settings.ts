import type { AppSettings, SettingsChanges } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';
import { refreshHubInfo } from './hub';

const { setState, getState } = useTernStore;

export async function loadSettings(): Promise<void> {
  setState((s) => ({ settingsStatus: s.settingsStatus === 'ready' ? 'ready' : 'loading', settingsError: null }));
  try {
    setSettings(await getStoreApi().getSettings({}));
  } catch (error) {
    setState({ settingsStatus: 'error', settingsError: describeError(error) });
  }
}

/** The settings from a call or a settingsChanged event. */
export function setSettings(settings: AppSettings): void {
  const endpointBefore = getState().settings?.hubEndpoint;
  setState({ settings, settingsStatus: 'ready', settingsError: null });
  // The endpoint in use follows the setting.
  if (endpointBefore !== undefined && endpointBefore !== settings.hubEndpoint) refreshHubInfo();
}

/** What a save answers: the settings as stored, or the error to show. */
export type SettingsOutcome = { ok: true; settings: AppSettings } | { ok: false; error: string };

/** Saves changed settings. */
export async function saveSettings(changes: SettingsChanges): Promise<SettingsOutcome> {
  try {
    const settings = await getStoreApi().updateSettings(changes);
    setSettings(settings);
    return { ok: true, settings };
  } catch (error) {
    return { ok: false, error: `Could not save the settings: ${describeError(error)}` };
  }
}

/** Puts every setting back to its default. */
export async function resetSettings(): Promise<SettingsOutcome> {
  try {
    const settings = await getStoreApi().resetSettings({});
    setSettings(settings);
    return { ok: true, settings };
  } catch (error) {
    return { ok: false, error: `Could not reset the settings: ${describeError(error)}` };
  }
}

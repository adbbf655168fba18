import type { ApiSettingsChanges, ApiStatus } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';

const { setState, getState } = useTernStore;

/** What a change to the local API answers: its status after it, or the error to show. */
export type ApiOutcome = { ok: true; status: ApiStatus } | { ok: false; error: string };

/** Asks the host how the local API stands. */
export async function loadApiStatus(): Promise<void> {
  setState((s) => ({ apiStatusStatus: s.apiStatusStatus === 'ready' ? 'ready' : 'loading', apiStatusError: null }));
  try {
    setApiStatus(await getStoreApi().getApiStatus({}));
  } catch (error) {
    setState({ apiStatusStatus: 'error', apiStatusError: describeError(error) });
  }
}

/** The status from a call or an apiStatus event. */
export function setApiStatus(apiStatus: ApiStatus): void {
  setState({ apiStatus, apiStatusStatus: 'ready', apiStatusError: null });
}

/** Loads the status again if something already showed it (after a reconnect). */
export function refreshApiStatus(): void {
  if (getState().apiStatusStatus !== 'idle') void loadApiStatus();
}

async function change(what: string, run: () => Promise<ApiStatus>): Promise<ApiOutcome> {
  try {
    const status = await run();
    setApiStatus(status);
    setState({ apiActionError: null });
    return { ok: true, status };
  } catch (error) {
    const message = `Could not ${what}: ${describeError(error)}`;
    setState({ apiActionError: message });
    return { ok: false, error: message };
  }
}

/** Switches the API on or off, or changes its port, limits, CORS origins or debug log. */
export function updateApiSettings(changes: ApiSettingsChanges): Promise<ApiOutcome> {
  const what =
    changes.enabled === undefined || Object.keys(changes).length > 1
      ? 'change the local API'
      : changes.enabled
        ? 'turn the local API on'
        : 'turn the local API off';
  return change(what, () => getStoreApi().updateApiSettings(changes));
}

/** A new key: the old one stops working at once. */
export function rotateApiKey(): Promise<ApiOutcome> {
  return change('make a new key', () => getStoreApi().rotateApiKey({}));
}

export function dismissApiError(): void {
  setState({ apiActionError: null });
}

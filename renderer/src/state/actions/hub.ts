import type { HubInfo } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';

const { setState, getState } = useTernStore;

/** Asks the host which hub it uses and where its token comes from. */
export async function loadHubInfo(): Promise<void> {
  setState((s) => ({ hubInfoStatus: s.hubInfoStatus === 'ready' ? 'ready' : 'loading', hubInfoError: null }));
  try {
    setHubInfo(await getStoreApi().getHubInfo({}));
  } catch (error) {
    setState({ hubInfoStatus: 'error', hubInfoError: describeError(error) });
  }
}

export function setHubInfo(hubInfo: HubInfo): void {
  setState({ hubInfo, hubInfoStatus: 'ready', hubInfoError: null });
}

/** Loads the hub info again if something already showed it (it depends on the settings). */
export function refreshHubInfo(): void {
  if (getState().hubInfoStatus !== 'idle') void loadHubInfo();
}

/** What saving or forgetting the token answers: the hub info after it, or the error to show. */
export type HubTokenOutcome = { ok: true; hubInfo: HubInfo } | { ok: false; error: string };

/** Saves the token for gated repositories, or with null forgets it (desktop app only). */
export async function saveHubToken(token: string | null): Promise<HubTokenOutcome> {
  try {
    const hubInfo = await getStoreApi().setHubToken({ token });
    setHubInfo(hubInfo);
    return { ok: true, hubInfo };
  } catch (error) {
    const what = token === null ? 'forget' : 'save';
    return { ok: false, error: `Could not ${what} the token: ${describeError(error)}` };
  }
}

import type { UpdateStatus } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';

const { setState, getState } = useTernStore;

/** Asks the host how updates stand. */
export async function loadUpdateStatus(): Promise<void> {
  setState((s) => ({ updateStatusStatus: s.updateStatusStatus === 'ready' ? 'ready' : 'loading', updateStatusError: null }));
  try {
    setUpdateStatus(await getStoreApi().getUpdateStatus({}));
  } catch (error) {
    setState({ updateStatusStatus: 'error', updateStatusError: describeError(error) });
  }
}

/** The status from a call or an updateStatus event. */
export function setUpdateStatus(updateStatus: UpdateStatus): void {
  setState({ updateStatus, updateStatusStatus: 'ready', updateStatusError: null });
}

/** Loads the status again if something already showed it (after a reconnect). */
export function refreshUpdateStatus(): void {
  if (getState().updateStatusStatus !== 'idle') void loadUpdateStatus();
}

/** Runs a call; its answer is the new status, a refusal is kept to show. True when it went through. */
async function act(what: string, run: () => Promise<UpdateStatus>): Promise<boolean> {
  setState({ updateActionError: null });
  try {
    setUpdateStatus(await run());
    return true;
  } catch (error) {
    setState({ updateActionError: `Could not ${what}: ${describeError(error)}` });
    return false;
  }
}

/** Looks for a newer version (the host's answer, or its error, is in the status). */
export function checkForUpdates(): Promise<boolean> {
  return act('check for updates', () => getStoreApi().checkForUpdates({}));
}

/** Downloads the version found; answers once it is downloaded or failed. */
export function downloadUpdate(): Promise<boolean> {
  return act('download the update', () => getStoreApi().downloadUpdate({}));
}

/** Quits Tern and installs the downloaded version. */
export function installUpdate(): Promise<boolean> {
  return act('install the update', () => getStoreApi().installUpdate({}));
}

export function setAutoUpdateCheck(enabled: boolean): Promise<boolean> {
  return act(enabled ? 'turn the automatic check on' : 'turn the automatic check off', () => getStoreApi().setAutoUpdateCheck({ enabled }));
}

export function dismissUpdateError(): void {
  setState({ updateActionError: null });
}

/**
 * Layout preferences kept on this computer (localStorage), not by the host: how this window is
 * laid out. Reading or writing never fails; without storage the default holds for the session.
 */
const PREFIX = 'tern.';

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' && window.localStorage ? window.localStorage : null;
  } catch {
    return null;
  }
}

export function readPreference(name: string, fallback: boolean): boolean {
  try {
    const value = storage()?.getItem(PREFIX + name);
    return value === 'true' ? true : value === 'false' ? false : fallback;
  } catch {
    return fallback;
  }
}

export function writePreference(name: string, value: boolean): void {
  try {
    storage()?.setItem(PREFIX + name, String(value));
  } catch {
    // Storage full or refused: the choice lasts for this session only.
  }
}

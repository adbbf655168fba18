/**
 * An updater's error said plainly. electron-updater's messages carry request headers and JSON
 * bodies; the user needs to know whether the network, the releases or something else failed.
 */

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH']);
const NO_RELEASE_CODES = new Set(['ERR_UPDATER_NO_PUBLISHED_VERSIONS', 'ERR_UPDATER_LATEST_VERSION_NOT_FOUND', 'ERR_UPDATER_RELEASE_NOT_FOUND']);
const NOTHING_FOR_THIS_SYSTEM_CODES = new Set(['ERR_UPDATER_CHANNEL_FILE_NOT_FOUND', 'ERR_UPDATER_ASSET_NOT_FOUND', 'ERR_UPDATER_NO_FILES_PROVIDED']);
/** The longest message kept from an error we have no words of our own for. */
const MAX_MESSAGE = 200;

/** "Could not check for updates: no release has been published yet." */
export function describeUpdateError(step: 'check' | 'download', error: unknown): string {
  const what = step === 'check' ? 'Could not check for updates' : 'Could not download the update';
  return `${what}: ${cause(error)}`;
}

function cause(error: unknown): string {
  const { code, statusCode, message } = facts(error);
  if ((code && NETWORK_CODES.has(code)) || /net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|NETWORK_CHANGED|CONNECTION_|TIMED_OUT|PROXY_)/.test(message)) {
    return 'GitHub could not be reached. Check the internet connection and try again.';
  }
  if ((code && NO_RELEASE_CODES.has(code)) || statusCode === 404) return 'no release has been published yet.';
  if (code && NOTHING_FOR_THIS_SYSTEM_CODES.has(code)) return 'the latest release has no update for this system.';
  if (statusCode === 403 || statusCode === 429) return 'GitHub refused the request (too many from this network). Try again later.';
  const line = message.split('\n')[0]!.trim();
  if (line === '') return 'the updater gave no reason.';
  const short = line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
  return /[.!?…]$/.test(short) ? short : `${short}.`;
}

function facts(error: unknown): { code: string | null; statusCode: number | null; message: string } {
  const record = typeof error === 'object' && error !== null ? (error as { code?: unknown; statusCode?: unknown }) : {};
  return {
    code: typeof record.code === 'string' ? record.code : null,
    statusCode: typeof record.statusCode === 'number' ? record.statusCode : null,
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * The host's token travels in the page URL (?token=...). It is kept in sessionStorage so a reload
 * still connects, and removed from the address bar so it is not shared by copying the URL.
 */
export const TOKEN_STORAGE_KEY = 'tern.token';

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface HistoryLike {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string | null): void;
}

/** The token from the URL (then stored and removed from it), else the stored one, else null. */
export function takePageToken(href: string, storage: TokenStorage | undefined, history: HistoryLike | undefined): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // storage disabled: the token still works for this page's life
    }
    url.searchParams.delete('token');
    try {
      history?.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    } catch {
      // not allowed here; the token stays visible
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/**
 * Hardening that applies to every web page Electron creates: no navigation away from the app,
 * no new windows (web links go to the system browser), no <webview>, no permission but writing
 * to the clipboard (Copy and Copy code), and the CSP on every response.
 */
import { withSecurityHeaders } from './csp';
import { isAppUrl, isExternalWebUrl } from './origin';
import type { SessionLike, WebContentsLike } from './ports';

export type OpenExternal = (url: string) => Promise<void>;

export function hardenWebContents(contents: WebContentsLike, openExternal: OpenExternal, log: (m: string) => void): void {
  const stayInApp = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) {
      event.preventDefault();
      log(`navigation to ${event.url} denied`);
    }
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) {
      openExternal(url).catch((error: unknown) => log(`could not open ${url}: ${String(error)}`));
    } else {
      log(`window.open(${url}) denied`);
    }
    return { action: 'deny' };
  });
}

/** The only permission the app's page gets: writing text to the clipboard (never reading it). */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) });
  });
}

/**
 * The Content-Security-Policy of every page the app serves: scripts, styles and everything else
 * only from the app itself; no inline scripts, no eval, no plugins, no frames, no forms.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every response from the app's protocol carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** Response headers with ours in place of any of the same name, whatever their case. */
export function withSecurityHeaders(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const ours = new Set(Object.keys(SECURITY_HEADERS).map((name) => name.toLowerCase()));
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!ours.has(name.toLowerCase())) result[name] = value;
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) result[name] = [value];
  return result;
}

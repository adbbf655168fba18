import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, withSecurityHeaders } from '../../../electron/main/csp';
import { isAppUrl, isExternalWebUrl } from '../../../electron/main/origin';
import { hardenSession, hardenWebContents } from '../../../electron/main/security';
import { FakeNavigation, FakeSession, FakeWebContents } from './fakes';

function hardened() {
  const contents = new FakeWebContents();
  const opened: string[] = [];
  const logged: string[] = [];
  hardenWebContents(
    contents,
    (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    (m) => logged.push(m),
  );
  return { contents, opened, logged };
}

describe('Content-Security-Policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it("allows scripts from the app only: script-src 'self', no inline, no eval", () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('replaces any CSP a response brought, whatever its case', () => {
    const headers = withSecurityHeaders({ 'content-security-policy': ["script-src 'unsafe-inline'"], 'X-Other': ['1'] });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
  });
});

describe('origins', () => {
  it('recognises only the app origin', () => {
    expect(isAppUrl('tern://app/')).toBe(true);
    expect(isAppUrl('tern://app/index.html#x')).toBe(true);
    for (const url of ['tern://other/', 'tern://app:81/', 'tern://user@app/', 'file:///index.html', 'https://app/', 'about:blank', '', 'not a url']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('lets only http(s) out to the browser', () => {
    expect(isExternalWebUrl('https://huggingface.co/x')).toBe(true);
    expect(isExternalWebUrl('http://example.org')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'tern://app/', 'mailto:a@b']) {
      expect(isExternalWebUrl(url), url).toBe(false);
    }
  });
});

describe('hardenWebContents', () => {
  it('prevents navigation away from the app, and allows it within', () => {
    const { contents } = hardened();
    expect(contents.navigate('https://evil.example/')).toBe(true);
    expect(contents.navigate('file:///etc/passwd')).toBe(true);
    expect(contents.navigate('tern://other/')).toBe(true);
    expect(contents.navigate('tern://app/index.html')).toBe(false);
    expect(contents.navigate('https://evil.example/', 'will-redirect')).toBe(true);
    expect(contents.navigate('tern://app/', 'will-redirect')).toBe(false);
  });

  it('denies every new window and sends http(s) links to the system browser', () => {
    const { contents, opened } = hardened();
    expect(contents.open('https://huggingface.co/microsoft')).toEqual({ action: 'deny' });
    expect(contents.open('tern://app/index.html')).toEqual({ action: 'deny' });
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://huggingface.co/microsoft']);
  });

  it('refuses <webview>', () => {
    const { contents } = hardened();
    const attach = new FakeNavigation();
    contents.emit('will-attach-webview', attach);
    expect(attach.defaultPrevented).toBe(true);
  });
});

describe('hardenSession', () => {
  it('denies every permission request and check but writing to the clipboard', () => {
    const session = new FakeSession();
    hardenSession(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      expect(session.request(permission)).toBe(false);
      expect(session.checkHandler?.({}, permission)).toBe(false);
    }
    expect(session.request('clipboard-sanitized-write')).toBe(true);
    expect(session.checkHandler?.({}, 'clipboard-sanitized-write')).toBe(true);
  });

  it('puts the CSP on every response', () => {
    const session = new FakeSession();
    hardenSession(session);
    const headers = session.headersFor('tern://app/index.html', { 'Content-Type': ['text/html'] });
    expect(headers?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers?.['Content-Type']).toEqual(['text/html']);
  });
});

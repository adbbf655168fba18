import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from '../../../electron/common/wire';
import { tokensEqual } from '../../../electron/host/token';
import { allowedOrigins, isLoopback } from '../../../electron/host/origins';

describe('parseClientMessage', () => {
  it('accepts calls and subscriptions', () => {
    expect(parseClientMessage('{"t":"call","id":1,"method":"getAppInfo","params":{}}')).toEqual({
      ok: true,
      message: { t: 'call', id: 1, method: 'getAppInfo', params: {} },
    });
    expect(parseClientMessage('{"t":"subscribe","events":["conversationsChanged"]}')).toMatchObject({ ok: true });
  });

  it('names the problem, and keeps a usable id to answer by', () => {
    expect(parseClientMessage('{')).toMatchObject({ ok: false, id: undefined, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^malformed JSON/) } });
    expect(parseClientMessage('{"t":"call","id":1,"method":5}')).toMatchObject({
      ok: false,
      id: 1,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^bad 'call' message: method: .*expected string/) },
    });
    expect(parseClientMessage('{"t":"call","id":1,"method":"x","extra":1}')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/extra/) } });
    expect(parseClientMessage('{"t":"subscribe","events":"all"}')).toMatchObject({ ok: false, id: undefined, error: { message: expect.stringMatching(/events/) } });
    expect(parseClientMessage('{"t":"call","id":{},"method":"x"}')).toMatchObject({ ok: false, id: undefined });
    expect(parseClientMessage('{"t":"call","id":-1,"method":"x"}')).toMatchObject({ ok: false, id: undefined });
  });
});

describe('parseServerMessage', () => {
  it('accepts the three kinds and nothing else', () => {
    expect(parseServerMessage('{"t":"result","id":1,"result":{"ok":true,"value":3}}')).toEqual({ t: 'result', id: 1, result: { ok: true, value: 3 } });
    expect(parseServerMessage('{"t":"event","name":"conversationsChanged","payload":{}}')).toMatchObject({ t: 'event' });
    expect(parseServerMessage('{"t":"error","error":{"code":"BAD_REQUEST","message":"m"}}')).toMatchObject({ t: 'error' });
    expect(parseServerMessage('{"t":"error","error":{"code":"WHATEVER","message":"m"}}')).toBeUndefined();
    expect(parseServerMessage('not json')).toBeUndefined();
  });
});

describe('tokens and origins', () => {
  it('compares tokens exactly', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('abcd', 'abc')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
    expect(tokensEqual(null, 'abc')).toBe(false);
  });

  it('knows loopback addresses and the page origins of a bind', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('192.168.1.2')).toBe(false);
    expect([...allowedOrigins('127.0.0.1', 4310)]).toContain('http://127.0.0.1:4310');
    expect([...allowedOrigins('::1', 4310)]).toContain('http://[::1]:4310');
    expect([...allowedOrigins('192.168.1.2', 4310)]).toEqual(['http://192.168.1.2:4310']);
  });
});

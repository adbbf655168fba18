/** Requests for downloads: the proxy from the environment, loopback hosts never proxied, HTTPS only. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, checkUrl } from '../../../electron/services/downloads/http';

const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
let proxy: http.Server | undefined;
let client: HttpClient | undefined;

afterEach(async () => {
  await client?.close();
  await new Promise<void>((done) => (proxy ? proxy.close(() => done()) : done()));
  proxy = undefined;
  client = undefined;
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('HttpClient', () => {
  it('goes through HTTPS_PROXY for a remote host (a CONNECT to it), but never for this computer', async () => {
    const connects: string[] = [];
    proxy = http.createServer((_req, res) => res.end('direct'));
    proxy.on('connect', (req, socket) => {
      connects.push(req.url ?? '');
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    await new Promise<void>((done) => proxy!.listen(0, '127.0.0.1', done));
    const port = (proxy.address() as AddressInfo).port;
    process.env.HTTPS_PROXY = `http://127.0.0.1:${port}`;
    delete process.env.NO_PROXY;
    client = new HttpClient();

    await expect(client.request('https://models.example.invalid/m.gguf')).rejects.toThrow();
    expect(connects).toEqual(['models.example.invalid:443']);

    // The same server asked directly, as a loopback host: no proxy in between.
    const direct = await client.request(`http://127.0.0.1:${port}/m.gguf`);
    expect(await direct.body.text()).toBe('direct');
    expect(connects).toHaveLength(1);
  });
});

describe('checkUrl', () => {
  it('allows https anywhere and http only to this computer', () => {
    expect(checkUrl('https://huggingface.co/x').hostname).toBe('huggingface.co');
    for (const loopback of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:9/x', 'http://127.1.2.3/x']) {
      expect(() => checkUrl(loopback)).not.toThrow();
    }
    expect(() => checkUrl('http://192.168.1.5/x')).toThrow(/plain HTTP: only HTTPS is allowed/);
    expect(() => checkUrl('file:///etc/passwd')).toThrow(/cannot be downloaded/);
    expect(() => checkUrl('not a url')).toThrow(/not a URL/);
  });
});

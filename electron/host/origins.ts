/**
 * Which addresses count as loopback, and which page origins may open the WebSocket. The page
 * origin is the host's own (http://HOST:PORT); a loopback host also answers as localhost, and a
 * wildcard bind (0.0.0.0, ::) as each of the machine's interface addresses.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** "::1" -> "[::1]"; names and IPv4 addresses unchanged. */
export function hostForUrl(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

export function originOf(host: string, port: number): string {
  return `http://${hostForUrl(host)}:${port}`;
}

/** The host to put in the URL we print: a wildcard bind is reachable locally on 127.0.0.1. */
export function displayHost(host: string): string {
  return isWildcard(host) ? '127.0.0.1' : host;
}

/** Every Origin a page served by this host can have. */
export function allowedOrigins(host: string, port: number): Set<string> {
  const origins = new Set<string>([originOf(host, port)]);
  const loopback = isLoopback(host);
  if (loopback || isWildcard(host)) {
    for (const name of ['localhost', '127.0.0.1', '[::1]']) origins.add(`http://${name}:${port}`);
  }
  if (isWildcard(host)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) origins.add(originOf(address.address, port));
    }
  }
  return origins;
}

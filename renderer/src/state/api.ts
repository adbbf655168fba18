import type { TernApi } from '../lib/contract';

/**
 * The API the store's actions call. main.tsx installs the real one (from api/client); unit
 * tests install a fake. Actions never import a transport themselves.
 */
let current: TernApi | null = null;

export function setApi(api: TernApi | null): void {
  current = api;
}

export function getStoreApi(): TernApi {
  if (!current) throw new Error('The Tern API is not set up yet.');
  return current;
}

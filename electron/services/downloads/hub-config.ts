/**
 * Where the hub is and the token for gated repos: the endpoint from the setting, else
 * HF_ENDPOINT (as Hugging Face's own tools read it), else huggingface.co; the token saved in the
 * desktop app (encrypted by the system), else HF_TOKEN.
 */
import type { AppSettings, HubInfo } from '../../common/contract';

export const DEFAULT_HUB = 'https://huggingface.co';

/** A token kept by the desktop app (Electron safeStorage); absent in the headless host and the CLI. */
export interface SavedToken {
  load(): string | null;
  save(token: string | null): void;
}

export interface HubConfig {
  /** The base URL, without a trailing slash. */
  endpoint: string;
  token: string | null;
}

export function hubConfig(settings: AppSettings, saved: SavedToken | undefined, env: NodeJS.ProcessEnv = process.env): HubConfig {
  return { endpoint: endpointOf(settings, env).url, token: tokenOf(saved, env).token };
}

export function hubInfo(settings: AppSettings, saved: SavedToken | undefined, env: NodeJS.ProcessEnv = process.env): HubInfo {
  const endpoint = endpointOf(settings, env);
  return { endpoint: endpoint.url, endpointFrom: endpoint.from, token: tokenOf(saved, env).from, canSaveToken: saved !== undefined };
}

function endpointOf(settings: AppSettings, env: NodeJS.ProcessEnv): { url: string; from: HubInfo['endpointFrom'] } {
  if (settings.hubEndpoint) return { url: trimSlash(settings.hubEndpoint), from: 'setting' };
  const fromEnv = env.HF_ENDPOINT?.trim();
  if (fromEnv) return { url: trimSlash(fromEnv), from: 'env' };
  return { url: DEFAULT_HUB, from: 'default' };
}

function tokenOf(saved: SavedToken | undefined, env: NodeJS.ProcessEnv): { token: string | null; from: HubInfo['token'] } {
  const stored = safeLoad(saved);
  if (stored) return { token: stored, from: 'saved' };
  const fromEnv = env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, from: 'env' };
  return { token: null, from: null };
}

function safeLoad(saved: SavedToken | undefined): string | null {
  try {
    return saved?.load() ?? null;
  } catch {
    return null;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

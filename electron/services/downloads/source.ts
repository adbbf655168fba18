/**
 * What the user typed, as a download source: `owner/repo/path/file.gguf`, `owner/repo` (with the
 * file given apart, or the repo's only GGUF), a hub URL (…/owner/repo/resolve/REV/file or
 * …/blob/REV/file, on the hub in use or huggingface.co), or any other https URL (a direct
 * download, unverified unless a sha256 is given).
 */
import type { DownloadSource } from '../../common/contract';
import { checkUrl } from './http';

const NAME = /^[\w.-]+$/;
const HUB_HOSTS = new Set(['huggingface.co', 'hf.co', 'www.huggingface.co']);

export interface SourceOptions {
  file?: string;
  revision?: string;
  /** The hub in use: its URLs are hub sources. */
  hubEndpoint: string;
}

/** A hub source with file '' means: the repo's only .gguf, to be looked up. */
export function parseSource(input: string, options: SourceOptions): DownloadSource {
  const text = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return fromUrl(text, options);
  const parts = text.replace(/^(https?:\/\/)?(www\.)?(huggingface\.co|hf\.co)\//, '').split('/').filter((part) => part !== '');
  if (parts.length < 2) throw new Error(`${text} is not a model: give owner/repo/file.gguf, owner/repo with a file, or a URL`);
  const [owner, name, ...rest] = parts as [string, string, ...string[]];
  for (const part of [owner, name]) if (!NAME.test(part)) throw new Error(`${owner}/${name} is not a repository name (owner/name)`);
  if (rest.some((part) => part === '..' || part === '.')) throw new Error(`${rest.join('/')} is not a file path in a repository`);
  if (rest.length > 0 && options.file !== undefined) throw new Error('the file is named twice: give owner/repo/file or owner/repo with a file, not both');
  const file = rest.length > 0 ? rest.join('/') : (options.file?.replace(/^\/+/, '') ?? '');
  return { kind: 'hub', repo: `${owner}/${name}`, revision: options.revision ?? 'main', file };
}

function fromUrl(text: string, options: SourceOptions): DownloadSource {
  const url = checkUrl(text);
  const hub = new URL(options.hubEndpoint);
  if (url.origin === hub.origin || HUB_HOSTS.has(url.hostname)) {
    const base = url.origin === hub.origin ? hub.pathname.replace(/\/+$/, '') : '';
    const path = url.pathname.slice(base.length);
    const match = /^\/([\w.-]+)\/([\w.-]+)\/(?:resolve|blob)\/([^/]+)\/(.+)$/.exec(path);
    if (match) {
      const [, owner, name, revision, file] = match as unknown as [string, string, string, string, string];
      return { kind: 'hub', repo: `${owner}/${name}`, revision: decodeURIComponent(revision), file: file.split('/').map(decodeURIComponent).join('/') };
    }
  }
  if (options.file !== undefined) throw new Error('a URL names its file itself: leave out the file');
  return { kind: 'url', url: url.toString() };
}

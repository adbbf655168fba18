/**
 * The Hugging Face hub, as its own client reads it (huggingface_hub's file_download.py): a repo's
 * files from `/api/models/{repo}/tree/{revision}`, one file's size, sha256 and commit from a HEAD
 * of `/{repo}/resolve/{revision}/{file}` (X-Linked-Size and X-Linked-Etag on the redirect to the
 * CDN), and the bytes from that same resolve URL.
 */
import type { RepoFiles } from '../../common/contract';
import { DownloadError } from './errors';
import type { HubConfig } from './hub-config';
import type { HttpClient, HttpResponse } from './http';

export interface HubFileInfo {
  size: number | null;
  /** The LFS sha256, when the hub says it. */
  sha256: string | null;
  /** The commit the revision resolved to. */
  commit: string | null;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class Hub {
  constructor(
    private readonly http: HttpClient,
    private readonly config: HubConfig,
  ) {}

  get endpoint(): string {
    return this.config.endpoint;
  }

  /** The token, for requests to the hub's own origin only. */
  get token(): { value: string; origin: string } | null {
    return this.config.token ? { value: this.config.token, origin: new URL(this.config.endpoint).origin } : null;
  }

  fileUrl(repo: string, revision: string, file: string): string {
    return `${this.config.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
  }

  async listFiles(repo: string, revision: string, signal?: AbortSignal): Promise<RepoFiles> {
    const url = `${this.config.endpoint}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
    const response = await this.send(url, 'GET', signal);
    if (response.status !== 200) throw await this.failure(response, repo, revision);
    const entries = (await response.body.json().catch(() => null)) as unknown;
    if (!Array.isArray(entries)) throw new DownloadError(`the hub answered ${url} with something other than a file list`, { retryable: true });
    const files = entries.flatMap((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const e = entry as { type?: unknown; path?: unknown; size?: unknown; lfs?: { oid?: unknown; size?: unknown } };
      if (e.type !== 'file' || typeof e.path !== 'string') return [];
      const lfsOid = typeof e.lfs?.oid === 'string' && SHA256.test(e.lfs.oid) ? e.lfs.oid : null;
      const size = typeof e.lfs?.size === 'number' ? e.lfs.size : typeof e.size === 'number' ? e.size : 0;
      return [{ path: e.path, sizeBytes: size, sha256: lfsOid }];
    });
    return { repo, revision, files };
  }

  /** A HEAD of the resolve URL: the redirect to the CDN carries the file's real size and sha256. */
  async fileInfo(repo: string, revision: string, file: string, signal?: AbortSignal): Promise<HubFileInfo> {
    const response = await this.send(this.fileUrl(repo, revision, file), 'HEAD', signal, false);
    await response.body.dump();
    if (response.status >= 400) throw await this.failure(response, repo, revision, file);
    const h = response.headers;
    const linkedEtag = unquote(h['x-linked-etag']);
    const etag = unquote(h.etag);
    const sizeText = h['x-linked-size'] ?? (response.status === 200 ? h['content-length'] : undefined);
    const size = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : null;
    const sha256 = [linkedEtag, etag].find((tag): tag is string => tag !== null && SHA256.test(tag)) ?? null;
    return { size, sha256, commit: h['x-repo-commit'] ?? null };
  }

  private async send(url: string, method: 'GET' | 'HEAD', signal?: AbortSignal, followRedirects = true): Promise<HttpResponse> {
    try {
      // A relative redirect (a renamed repo) stays on the hub; only the CDN's absolute one is left unfollowed.
      let response = await this.http.request(url, { method, token: this.token, signal, followRedirects });
      for (let hop = 0; !followRedirects && hop < 5 && isRedirect(response.status) && sameOrigin(response.headers.location, url); hop++) {
        await response.body.dump();
        url = new URL(response.headers.location!, url).toString();
        response = await this.http.request(url, { method, token: this.token, signal, followRedirects });
      }
      return response;
    } catch (error) {
      throw DownloadError.from(error, `could not reach the hub at ${this.config.endpoint}`);
    }
  }

  private async failure(response: HttpResponse, repo: string, revision: string, file?: string): Promise<DownloadError> {
    await response.body.dump().catch(() => {});
    const code = response.headers['x-error-code'];
    const what = file ? `${repo}/${file}` : repo;
    if (response.status === 401 || response.status === 403) {
      if (!this.config.token) {
        return new DownloadError(`${repo} is gated or private: it needs a Hugging Face token (set HF_TOKEN, or save one in Settings)`, { code: 'auth' });
      }
      return new DownloadError(
        response.status === 401
          ? `the hub refused the Hugging Face token for ${repo}: check that it is valid`
          : `the Hugging Face token has no access to ${repo}: accept the model's terms on its page on the hub, or use a token that has access`,
        { code: 'auth' },
      );
    }
    if (response.status === 404) {
      if (code === 'RevisionNotFound') return new DownloadError(`${repo} has no revision ${revision}`, { code: 'not-found' });
      if (code === 'EntryNotFound' || (file && code !== 'RepoNotFound')) {
        return new DownloadError(`${repo} has no file ${file ?? ''} at ${revision}`.replace(/ {2}/, ' '), { code: 'not-found' });
      }
      return new DownloadError(`there is no repository ${repo} on the hub`, { code: 'not-found' });
    }
    const retryable = response.status >= 500 || response.status === 429;
    return new DownloadError(`the hub answered ${response.status} for ${what}`, { retryable });
  }
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

function sameOrigin(location: string | undefined, base: string): boolean {
  if (!location) return false;
  try {
    return new URL(location, base).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** An ETag's value without quotes or a weak marker. */
export function unquote(tag: string | undefined): string | null {
  if (!tag) return null;
  return tag.replace(/^W\//, '').replace(/^"|"$/g, '') || null;
}

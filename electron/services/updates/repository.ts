/**
 * Where updates come from: the GitHub repository that package.json's `repository` field names,
 * in any of npm's spellings ("owner/repo", "github:owner/repo", a URL, or { url }). Updates are
 * GitHub releases only; any other repository, or none, turns them off with a sentence saying why.
 */

export interface GitHubRepository {
  owner: string;
  repo: string;
}

export type RepositoryResult =
  | { ok: true; repository: GitHubRepository; releasePageUrl: string }
  | { ok: false; reason: string };

export const NO_REPOSITORY = 'Updates are off: this build names no repository to take them from.';

// GitHub's own rules: owners are letters, digits and single hyphens; repositories also take . and _.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** Reads package.json's `repository` field. */
export function parseRepository(field: unknown): RepositoryResult {
  const text = repositoryText(field);
  if (text === null) return { ok: false, reason: NO_REPOSITORY };
  const repository = gitHubRepository(text);
  if (!repository) {
    return { ok: false, reason: `Updates are off: they come from GitHub releases, and this build names “${shorten(text)}” as its repository.` };
  }
  return { ok: true, repository, releasePageUrl: releasePageUrl(repository) };
}

export function releasePageUrl({ owner, repo }: GitHubRepository): string {
  return `https://github.com/${owner}/${repo}/releases`;
}

/** The field's text: the string itself, or an object's url; null when it names nothing. */
function repositoryText(field: unknown): string | null {
  const value = typeof field === 'object' && field !== null && !Array.isArray(field) ? (field as { url?: unknown }).url : field;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function gitHubRepository(text: string): GitHubRepository | null {
  // npm's shorthands: "owner/repo" (GitHub) and "github:owner/repo".
  const shorthand = /^(?:github:)?([^/:@\s]+)\/([^/\s]+)$/.exec(text);
  if (shorthand && !text.includes('://')) return checked(shorthand[1]!, shorthand[2]!);
  // scp-like ssh: git@github.com:owner/repo.git
  const scp = /^[\w.-]+@github\.com:([^/\s]+)\/([^/\s]+?)\/?$/i.exec(text);
  if (scp) return checked(scp[1]!, scp[2]!);
  // URLs: https://, git+https://, git+ssh://git@, ssh://git@, git:// on github.com.
  let url: URL;
  try {
    url = new URL(text.replace(/^git\+/, ''));
  } catch {
    return null;
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return null;
  if (url.hostname.toLowerCase() !== 'github.com' && url.hostname.toLowerCase() !== 'www.github.com') return null;
  const parts = url.pathname.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length !== 2) return null;
  return checked(parts[0]!, parts[1]!);
}

function checked(owner: string, repoWithSuffix: string): GitHubRepository | null {
  const repo = repoWithSuffix.replace(/\.git$/i, '');
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') return null;
  return { owner, repo };
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

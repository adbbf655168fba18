/**
 * What the "Model URL or repository" box takes: owner/repo/path/file.gguf (one file of a hub
 * repo), owner/repo (then a choice of its .gguf files), or an http(s) URL. Checked here so that
 * a typo is said next to the box before anything goes to the host.
 */

export type ModelSource =
  | { kind: 'repo'; repo: string }
  | { kind: 'file'; source: string; repo: string; file: string }
  | { kind: 'url'; source: string };

export type ParsedSource = { ok: true; value: ModelSource } | { ok: false; error: string };

const PART = /^[\w.-]+$/;
const MAX = 4096;

export function parseModelSource(text: string): ParsedSource {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'Enter a repository (owner/repo), a file (owner/repo/file.gguf) or a URL.' };
  if (trimmed.length > MAX) return { ok: false, error: `Enter at most ${MAX} characters.` };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return { ok: false, error: 'That URL is not valid.' };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, error: 'A URL must start with https:// (or http://).' };
    return { ok: true, value: { kind: 'url', source: trimmed } };
  }
  if (/\s/.test(trimmed)) return { ok: false, error: 'A repository or file name has no spaces.' };
  const parts = trimmed.replace(/\/+$/, '').split('/');
  const [owner, name, ...rest] = parts;
  if (parts.length < 2 || !owner || !name || !PART.test(owner) || !PART.test(name) || rest.some((p) => !p)) {
    return { ok: false, error: 'Enter owner/repo, owner/repo/file.gguf or a full URL.' };
  }
  const repo = `${owner}/${name}`;
  if (rest.length === 0) return { ok: true, value: { kind: 'repo', repo } };
  const file = rest.join('/');
  if (!/\.gguf$/i.test(file)) return { ok: false, error: 'Name a .gguf file: owner/repo/file.gguf.' };
  return { ok: true, value: { kind: 'file', source: `${repo}/${file}`, repo, file } };
}

/** The last part of a path in a repo. */
export function baseName(path: string): string {
  return path.split('/').at(-1) ?? path;
}

import { describe, expect, it } from 'vitest';
import { NO_REPOSITORY, parseRepository } from '../../../electron/services/updates/repository';

const TERN = { ok: true, repository: { owner: 'tern-app', repo: 'tern' }, releasePageUrl: 'https://github.com/tern-app/tern/releases' };

describe('parseRepository', () => {
  it.each([
    ['tern-app/tern'],
    ['github:tern-app/tern'],
    ['https://github.com/tern-app/tern'],
    ['https://github.com/tern-app/tern.git'],
    ['https://github.com/tern-app/tern/'],
    ['git+https://github.com/tern-app/tern.git'],
    ['git+ssh://git@github.com/tern-app/tern.git'],
    ['ssh://git@github.com/tern-app/tern.git'],
    ['git://github.com/tern-app/tern.git'],
    ['git@github.com:tern-app/tern.git'],
    ['  https://www.github.com/tern-app/tern  '],
  ])('reads %s', (field) => {
    expect(parseRepository(field)).toEqual(TERN);
  });

  it('reads the url of an object, as npm writes it ({ type, url, directory })', () => {
    expect(parseRepository({ type: 'git', url: 'git+https://github.com/tern-app/tern.git' })).toEqual(TERN);
    expect(parseRepository({ type: 'git', url: 'https://github.com/tern-app/tern', directory: 'packages/app' })).toEqual(TERN);
  });

  it('keeps dots, underscores and hyphens in the repository name', () => {
    expect(parseRepository('github:a-b/tern_app.v2')).toMatchObject({ ok: true, repository: { owner: 'a-b', repo: 'tern_app.v2' } });
  });

  it('is off without a repository, saying so', () => {
    for (const field of [undefined, null, '', '   ', {}, { type: 'git' }, { url: '' }, 42, ['tern-app/tern']]) {
      expect(parseRepository(field)).toEqual({ ok: false, reason: NO_REPOSITORY });
    }
    expect(NO_REPOSITORY).toBe('Updates are off: this build names no repository to take them from.');
  });

  it('is off for a repository that is not on GitHub, naming it', () => {
    for (const field of [
      'gitlab:tern-app/tern',
      'bitbucket:tern-app/tern',
      'https://gitlab.com/tern-app/tern.git',
      'git@gitlab.com:tern-app/tern.git',
      'https://github.example.com/tern-app/tern',
      'file:///home/me/tern',
    ]) {
      const result = parseRepository(field);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toBe(`Updates are off: they come from GitHub releases, and this build names “${field}” as its repository.`);
    }
  });

  it('is off for something on GitHub that is not one repository', () => {
    for (const field of ['https://github.com/tern-app', 'https://github.com/tern-app/tern/tree/main', 'https://github.com/-bad/tern', 'github:owner/..']) {
      expect(parseRepository(field).ok).toBe(false);
    }
  });

  it('shortens a very long name in the reason', () => {
    const long = `https://example.com/${'x'.repeat(300)}`;
    const result = parseRepository(long);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^Updates are off: .*“https:\/\/example\.com\/x+…” as its repository\.$/);
    if (!result.ok) expect(result.reason.length).toBeLessThan(220);
  });
});

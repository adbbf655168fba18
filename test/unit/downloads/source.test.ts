/** What the user types as a download, read as a hub file or a direct URL. */
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../../electron/services/downloads/source';
import { hubConfig, hubInfo } from '../../../electron/services/downloads/hub-config';
import { DEFAULT_SETTINGS } from '../../../electron/common/contract';

const hub = { hubEndpoint: 'https://huggingface.co' };

describe('parseSource', () => {
  it('reads owner/repo/path/file.gguf, and owner/repo with the file apart or to be chosen', () => {
    expect(parseSource('microsoft/bitnet-b1.58-2B-4T-gguf/ggml-model-i2_s.gguf', hub)).toEqual({
      kind: 'hub',
      repo: 'microsoft/bitnet-b1.58-2B-4T-gguf',
      revision: 'main',
      file: 'ggml-model-i2_s.gguf',
    });
    expect(parseSource('o/r/sub/dir/m.gguf', { ...hub, revision: 'v2' })).toMatchObject({ file: 'sub/dir/m.gguf', revision: 'v2' });
    expect(parseSource('o/r', { ...hub, file: 'm.gguf' })).toMatchObject({ repo: 'o/r', file: 'm.gguf' });
    expect(parseSource('o/r', hub)).toMatchObject({ repo: 'o/r', file: '' });
    expect(parseSource('huggingface.co/o/r/m.gguf', hub)).toMatchObject({ repo: 'o/r', file: 'm.gguf' });
  });

  it('reads hub URLs (resolve and blob, on huggingface.co or the hub in use) as hub files', () => {
    expect(parseSource('https://huggingface.co/o/r/resolve/main/m.gguf?download=true', hub)).toEqual({ kind: 'hub', repo: 'o/r', revision: 'main', file: 'm.gguf' });
    expect(parseSource('https://hf.co/o/r/blob/refs%2Fpr%2F1/a%20b.gguf', hub)).toEqual({ kind: 'hub', repo: 'o/r', revision: 'refs/pr/1', file: 'a b.gguf' });
    expect(parseSource('http://127.0.0.1:9000/mirror/o/r/resolve/abc/m.gguf', { hubEndpoint: 'http://127.0.0.1:9000/mirror' })).toMatchObject({
      kind: 'hub',
      repo: 'o/r',
      revision: 'abc',
    });
  });

  it('takes any other https URL, or http to this computer, as a direct download', () => {
    expect(parseSource('https://example.com/files/m.gguf', hub)).toEqual({ kind: 'url', url: 'https://example.com/files/m.gguf' });
    expect(parseSource('http://localhost:8080/m.gguf', hub)).toEqual({ kind: 'url', url: 'http://localhost:8080/m.gguf' });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(() => parseSource('just-a-name', hub)).toThrow(/give owner\/repo\/file\.gguf/);
    expect(() => parseSource('o/r/../../etc/passwd', hub)).toThrow(/not a file path/);
    expect(() => parseSource('o w/r', hub)).toThrow(/not a repository name/);
    expect(() => parseSource('o/r/m.gguf', { ...hub, file: 'x.gguf' })).toThrow(/named twice/);
    expect(() => parseSource('http://example.com/m.gguf', hub)).toThrow(/only HTTPS/);
    expect(() => parseSource('file:///etc/passwd', hub)).toThrow(/cannot be downloaded/);
  });
});

describe('hub configuration', () => {
  const saved = (token: string | null) => ({ load: () => token, save: () => {} });

  it('takes the endpoint from the setting, then HF_ENDPOINT, then huggingface.co', () => {
    expect(hubConfig(DEFAULT_SETTINGS, undefined, {})).toEqual({ endpoint: 'https://huggingface.co', token: null });
    expect(hubInfo(DEFAULT_SETTINGS, undefined, { HF_ENDPOINT: 'http://127.0.0.1:5000/' })).toMatchObject({ endpoint: 'http://127.0.0.1:5000', endpointFrom: 'env' });
    expect(hubInfo({ ...DEFAULT_SETTINGS, hubEndpoint: 'https://mirror.example/' }, undefined, { HF_ENDPOINT: 'http://x' })).toMatchObject({
      endpoint: 'https://mirror.example',
      endpointFrom: 'setting',
    });
  });

  it('takes the saved token before HF_TOKEN, and says which', () => {
    expect(hubConfig(DEFAULT_SETTINGS, saved('hf_saved'), { HF_TOKEN: 'hf_env' }).token).toBe('hf_saved');
    expect(hubInfo(DEFAULT_SETTINGS, saved(null), { HF_TOKEN: 'hf_env' })).toMatchObject({ token: 'env', canSaveToken: true });
    expect(hubInfo(DEFAULT_SETTINGS, undefined, {})).toMatchObject({ token: null, canSaveToken: false });
  });
});

import { describe, expect, it } from 'vitest';
import type { Download } from '../../../electron/common/contract';
import { downloadPercent, downloadSpeedText, downloadStateText } from '../../../renderer/src/lib/download-words';
import { formatBillions, formatEta, formatKernels, formatRelativeTime, formatSpeed } from '../../../renderer/src/lib/format';
import { parseModelSource } from '../../../renderer/src/lib/model-source';

const base: Download = {
  id: 'd1',
  source: { kind: 'hub', repo: 'o/r', revision: 'main', file: 'f.gguf' },
  fileName: 'f.gguf',
  state: 'downloading',
  receivedBytes: 0,
  totalBytes: null,
  bytesPerSecond: null,
  etaSeconds: null,
  expectedSha256: null,
  verified: null,
  error: null,
  modelId: null,
  createdAt: 0,
  updatedAt: 0,
};

describe('the Models view in words', () => {
  it('reads what the add box takes', () => {
    expect(parseModelSource('  owner/repo ')).toEqual({ ok: true, value: { kind: 'repo', repo: 'owner/repo' } });
    expect(parseModelSource('owner/repo/sub/file.GGUF')).toEqual({
      ok: true,
      value: { kind: 'file', source: 'owner/repo/sub/file.GGUF', repo: 'owner/repo', file: 'sub/file.GGUF' },
    });
    expect(parseModelSource('https://example.com/a.gguf')).toEqual({ ok: true, value: { kind: 'url', source: 'https://example.com/a.gguf' } });
    for (const bad of ['', 'owner', '/repo', 'owner//file.gguf', 'owner/repo/notes.txt', 'ftp://x/y.gguf', 'own er/repo']) {
      expect(parseModelSource(bad).ok, bad).toBe(false);
    }
  });

  it('says a download’s state, progress, speed and time left', () => {
    expect(downloadStateText({ ...base, state: 'queued' })).toBe('Queued');
    expect(downloadStateText({ ...base, state: 'paused', error: 'disk full' })).toBe('Paused: disk full');
    expect(downloadStateText({ ...base, state: 'verifying' })).toBe('Verifying…');
    expect(downloadStateText({ ...base, state: 'failed', error: 'boom' })).toBe('Failed: boom');
    expect(downloadStateText({ ...base, state: 'done', verified: true })).toBe('Done — verified');
    expect(downloadStateText({ ...base, state: 'done', verified: false })).toBe('Done — unverified');
    expect(downloadPercent(base)).toBeNull();
    expect(downloadPercent({ ...base, receivedBytes: 999, totalBytes: 1000 })).toBe(99);
    expect(downloadSpeedText({ ...base, bytesPerSecond: 2_500_000, etaSeconds: 3700 })).toBe('2.5 MB/s · 1 h 2 min left');
    expect(downloadSpeedText({ ...base, state: 'paused', bytesPerSecond: 1 })).toBeNull();
  });

  it('formats the numbers', () => {
    expect(formatSpeed(12_000_000)).toBe('12 MB/s');
    expect(formatEta(20)).toBe('20 s');
    expect(formatEta(7200)).toBe('2 h');
    expect(formatBillions(2.41)).toBe('2.4B');
    expect(formatBillions(0.7)).toBe('700M');
    expect(formatKernels({ decode: 'avx512', prefill: 'amx' })).toBe('decode avx512 · prefill amx');
    const now = 1_700_000_000_000;
    expect(formatRelativeTime(now - 10_000, now)).toBe('just now');
    expect(formatRelativeTime(now - 60_000, now)).toBe('1 minute ago');
    expect(formatRelativeTime(now - 5 * 3600_000, now)).toBe('5 hours ago');
    expect(formatRelativeTime(now - 26 * 3600_000, now)).toBe('yesterday');
    expect(formatRelativeTime(now - 4 * 86_400_000, now)).toBe('4 days ago');
  });
});

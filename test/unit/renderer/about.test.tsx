// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { AboutPanel } from '../../../renderer/src/features/about';
import { loadAppInfo } from '../../../renderer/src/state';
import { sampleAppInfo } from './fakeApi';
import { useFakeTern } from './setup';

function fact(term: string): string {
  const dt = screen.getAllByText(term).find((el) => el.tagName === 'DT');
  return dt?.nextElementSibling?.textContent ?? '';
}

describe('About panel', () => {
  const fake = useFakeTern();

  it('shows what getAppInfo returns', async () => {
    await act(() => loadAppInfo());
    render(<AboutPanel onClose={() => {}} />);
    expect(screen.getByRole('heading', { name: 'About Tern' })).toBeTruthy();
    expect(fact('Name')).toBe('Tern');
    expect(fact('Version')).toBe('9.8.7');
    expect(fact('Host')).toBe('Headless host (tern serve)');
    expect(fact('Platform')).toBe('linux (x64)');
    expect(fact('Data directory')).toBe('/tmp/tern-test-data');
    expect(fact('CPU')).toBe('Test CPU 3000');
    expect(fact('Kernel path')).toBe('avx2');
    expect(fact('Logical cores')).toBe('8');
    expect(fact('Memory')).toBe('16.0 GiB');
  });

  it('shows each detected feature as yes or no, as reported', async () => {
    await act(() => loadAppInfo());
    render(<AboutPanel onClose={() => {}} />);
    const table = screen.getByRole('table', { name: 'Instruction-set features detected' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [row.querySelector('th')?.textContent, row.querySelector('td')?.textContent]);
    expect(rows).toEqual([
      ['AVX2', 'yes'],
      ['AVX-VNNI', 'no'],
      ['AVX-512 F', 'no'],
      ['AVX-512 BW', 'yes'],
      ['AVX-512 VNNI', 'no'],
      ['NEON', 'no'],
      ['dotprod', 'no'],
    ]);
  });

  it('names both kernel paths when prefill runs on another than decode (AMX)', async () => {
    fake().appInfo = { ...sampleAppInfo, cpu: { ...sampleAppInfo.cpu, isa: 'amx', kernels: { decode: 'avx512', prefill: 'amx' } } };
    await act(() => loadAppInfo());
    render(<AboutPanel onClose={() => {}} />);
    expect(fact('Kernel path')).toBe('decode avx512 · prefill amx');
  });

  it('names the desktop host and an ARM CPU', async () => {
    fake().appInfo = {
      ...sampleAppInfo,
      host: 'electron',
      arch: 'arm64',
      cpu: {
        ...sampleAppInfo.cpu,
        name: 'Apple M2',
        isa: 'neon',
        kernels: { decode: 'neon', prefill: 'neon' },
        features: { ...sampleAppInfo.cpu.features, avx2: false, avx512bw: false, neon: true, dotprod: true },
      },
    };
    await act(() => loadAppInfo());
    render(<AboutPanel onClose={() => {}} />);
    expect(fact('Host')).toBe('Desktop app');
    expect(fact('Kernel path')).toBe('neon');
    const table = screen.getByRole('table');
    expect(within(table).getByRole('rowheader', { name: 'NEON' }).nextElementSibling?.textContent).toBe('yes');
    expect(within(table).getByRole('rowheader', { name: 'AVX2' }).nextElementSibling?.textContent).toBe('no');
  });

  it('says when the information could not be read, and tries again', async () => {
    fake().fail('getAppInfo', 'the addon did not load');
    await act(() => loadAppInfo());
    render(<AboutPanel onClose={() => {}} />);
    expect(screen.getByRole('alert').textContent).toContain('the addon did not load');
    fake().clearFailures();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(fact('CPU')).toBe('Test CPU 3000');
  });

  it('closes with its button and with Escape', async () => {
    await act(() => loadAppInfo());
    const onClose = vi.fn();
    render(<AboutPanel onClose={onClose} />);
    fireEvent.click(screen.getByRole('button', { name: 'Close About' }));
    fireEvent.keyDown(screen.getByRole('heading', { name: 'About Tern' }), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});

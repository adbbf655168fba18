// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TuningPanel } from '../../../renderer/src/features/tuning';
import { loadModels } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

function catchDownloads() {
  const downloads: { fileName: string; type: string; blob: Blob }[] = [];
  const blobs = new Map<string, Blob>();
  let next = 0;
  beforeEach(() => {
    downloads.length = 0;
    Object.defineProperty(URL, 'createObjectURL', {
      configurable: true,
      value: (blob: Blob) => {
        const url = `blob:test/${next++}`;
        blobs.set(url, blob);
        return url;
      },
    });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: () => {} });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.get(this.href);
      if (blob) downloads.push({ fileName: this.download, type: blob.type, blob });
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    Reflect.deleteProperty(URL, 'createObjectURL');
    Reflect.deleteProperty(URL, 'revokeObjectURL');
  });
  return downloads;
}

async function renderMonitoring(): Promise<HTMLElement> {
  await act(async () => {
    await loadModels();
  });
  render(<TuningPanel onClose={() => {}} />);
  const section = await screen.findByRole('region', { name: 'Monitoring' });
  await within(section).findByRole('checkbox', { name: 'Memory above % of expected' });
  return section;
}

describe('Tuning monitoring', () => {
  const fake = useFakeTern();
  const downloads = catchDownloads();

  it('shows the energy source, why it is not measured, the command to copy, the sampler and the rules', async () => {
    const section = await renderMonitoring();
    expect(within(section).getByRole('heading', { name: 'Monitoring' })).toBeTruthy();
    expect(section.textContent).toContain('Energy is modelled');
    expect(section.textContent).toContain('the RAPL energy counter is readable only by root');
    expect(within(section).getByText('sudo chmod a+r /sys/class/powercap/intel-rapl:0/energy_uj').tagName).toBe('CODE');
    expect(within(section).getByRole('button', { name: 'Copy command' })).toBeTruthy();
    expect(section.textContent).toContain('From the table of common CPUs, for Test CPU 3000.');
    expect((within(section).getByRole('spinbutton', { name: 'CPU power (W)' }) as HTMLInputElement).value).toBe('65');
    expect(section.textContent).toContain('Sampled only while the engine works — idle, 0 samples so far');

    for (const name of [
      'Memory above % of expected',
      'CPU below % of its threads',
      'Decode speed below tok/s',
      'Per-token latency p95 above ms',
      'Time to first token above ms',
      'Error rate above %',
    ]) {
      expect(within(section).getByRole('checkbox', { name })).toBeTruthy();
    }
    expect((within(section).getByRole('checkbox', { name: 'CPU below % of its threads' }) as HTMLInputElement).checked).toBe(false);
    expect((within(section).getByRole('spinbutton', { name: 'Memory threshold (%)' }) as HTMLInputElement).value).toBe('150');
    expect(within(section).getAllByText('critical')).toHaveLength(1);
    expect(within(within(section).getByRole('region', { name: 'Alerts' })).getByText('No alerts')).toBeTruthy();

    act(() => {
      fake().setMonitoringState({ sampler: { active: true, samples: 12, intervalMs: 500 } });
    });
    expect(section.textContent).toContain('Sampled only while the engine works — sampling every 0.5 s, 12 samples so far');
  });

  it('a threshold commits on blur, a checkbox at once, the window, retention, CPU power and Reset rules', async () => {
    const section = await renderMonitoring();
    const threshold = within(section).getByRole('spinbutton', { name: 'Decode speed threshold (tok/s)' });
    fireEvent.change(threshold, { target: { value: '7.5' } });
    fireEvent.blur(threshold);
    await waitFor(() => expect(fake().callsOf('updateMonitoring')).toEqual([{ rules: [{ metric: 'decodeSpeed', threshold: 7.5 }] }]));
    await waitFor(() => expect((threshold as HTMLInputElement).value).toBe('7.5'));

    fireEvent.click(within(section).getByRole('checkbox', { name: 'CPU below % of its threads' }));
    await waitFor(() => expect(fake().callsOf('updateMonitoring').at(-1)).toEqual({ rules: [{ metric: 'cpu', enabled: true }] }));
    await waitFor(() => expect((within(section).getByRole('checkbox', { name: 'CPU below % of its threads' }) as HTMLInputElement).checked).toBe(true));

    const window = within(section).getByRole('spinbutton', { name: 'Replies counted for the error rate' });
    fireEvent.change(window, { target: { value: '50' } });
    fireEvent.keyDown(window, { key: 'Enter' });
    await waitFor(() => expect(fake().callsOf('updateMonitoring').at(-1)).toEqual({ errorWindow: 50 }));

    fireEvent.change(within(section).getByRole('combobox', { name: 'Keep metrics for' }), { target: { value: '90' } });
    await waitFor(() => expect(fake().callsOf('updateMonitoring').at(-1)).toEqual({ retentionDays: 90 }));

    const watts = within(section).getByRole('spinbutton', { name: 'CPU power (W)' });
    fireEvent.change(watts, { target: { value: '28' } });
    fireEvent.blur(watts);
    await waitFor(() => expect(fake().callsOf('updateMonitoring').at(-1)).toEqual({ cpuWatts: 28 }));
    await waitFor(() => expect(section.textContent).toContain('Entered by you'));
    fireEvent.click(within(section).getByRole('button', { name: 'Use automatic' }));
    await waitFor(() => expect(fake().callsOf('updateMonitoring').at(-1)).toEqual({ cpuWatts: null }));
    await waitFor(() => expect(within(section).queryByRole('button', { name: 'Use automatic' })).toBeNull());

    const calls = fake().callsOf('updateMonitoring').length;
    const memory = within(section).getByRole('spinbutton', { name: 'Memory threshold (%)' });
    fireEvent.change(memory, { target: { value: '-3' } });
    fireEvent.blur(memory);
    await waitFor(() => expect(within(section).getByText('Enter a number from 0 to 10000.')).toBeTruthy());
    expect(fake().callsOf('updateMonitoring')).toHaveLength(calls);

    fireEvent.click(within(section).getByRole('button', { name: 'Reset rules' }));
    await waitFor(() => expect(fake().callsOf('resetAlertRules')).toHaveLength(1));
    await waitFor(() => expect((threshold as HTMLInputElement).value).toBe('5'));
  });

  it('a refused change is said', async () => {
    const section = await renderMonitoring();
    fake().fail('updateMonitoring', 'threshold: too large', 'BAD_REQUEST');
    fireEvent.click(within(section).getByRole('checkbox', { name: 'Error rate above %' }));
    expect((await within(section).findByRole('alert')).textContent).toContain('Could not change the monitoring: threshold: too large');
  });

  it('lists alerts newest first and dismisses them; reloads the recent replies on an alert and a finished reply', async () => {
    fake().addReplyMetrics({ modelName: 'older.gguf', energySource: 'measured' });
    const section = await renderMonitoring();
    const table = await within(section).findByRole('table', { name: 'Recent replies' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Time',
      'Model',
      'Tokens',
      'TTFT',
      'Decode tok/s',
      'p95',
      'CPU %',
      'Energy',
    ]);
    const first = within(table).getAllByRole('row')[1]!;
    expect(first.textContent).toContain('older.gguf');
    expect(first.textContent).toContain('180 ms');
    expect(first.textContent).toContain('71.2 ms');
    expect(first.textContent).toContain('87%');
    expect(first.textContent).toContain('4.57 J measured');
    const listed = fake().callsOf('listReplyMetrics').length;

    fake().addReplyMetrics({ modelName: 'newer.gguf', status: 'error' });
    act(() => {
      fake().raiseAlert({ text: 'Decode 3.1 tok/s, below 5 tok/s' });
      fake().raiseAlert({ severity: 'critical', text: 'Error rate 40%, above 20%' });
    });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(fake().callsOf('listReplyMetrics').length).toBeGreaterThan(listed);
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain('newer.gguf');
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain('failed');

    const alerts = within(section).getByRole('region', { name: 'Alerts' });
    const items = within(alerts).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('critical');
    expect(items[0]).toContain('Error rate 40%, above 20%');
    expect(items[1]).toContain('Decode 3.1 tok/s, below 5 tok/s');

    fireEvent.click(within(alerts).getByRole('button', { name: 'Dismiss alerts' }));
    await waitFor(() => expect(within(alerts).getByText('No alerts')).toBeTruthy());
    expect(fake().callsOf('dismissAlerts')).toHaveLength(1);

    // A reply finishing elsewhere: its metrics are asked for again.
    const { conversation } = fake().readyConversation();
    const before = fake().callsOf('listReplyMetrics').length;
    const answer = fake().addMessage(conversation.id, 'assistant', '', 'streaming');
    act(() => {
      fake().finish(answer.id);
    });
    await waitFor(() => expect(fake().callsOf('listReplyMetrics').length).toBe(before + 1));
  });

  it('Export metrics calls exportMetrics with the format chosen and saves the file', async () => {
    fake().addReplyMetrics();
    const section = await renderMonitoring();
    fireEvent.click(within(section).getByRole('button', { name: 'Export metrics' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(fake().callsOf('exportMetrics')).toEqual([{ format: 'json' }]);
    expect(downloads[0]).toMatchObject({ fileName: 'tern-metrics.json', type: 'application/json' });

    fireEvent.change(within(section).getByRole('combobox', { name: 'Export format' }), { target: { value: 'csv' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Export metrics' }));
    await waitFor(() => expect(downloads).toHaveLength(2));
    expect(fake().callsOf('exportMetrics').at(-1)).toEqual({ format: 'csv' });
    expect(downloads[1]).toMatchObject({ fileName: 'tern-metrics.csv', type: 'text/csv' });
    expect(await downloads[1]!.blob.text()).toContain('id,startedAt,energyJoules');
  });

  it('the measured tier: no command, and the CPU power field only says where it would be used', async () => {
    fake().monitoring = {
      ...fake().monitoring,
      energy: {
        source: 'measured',
        detail: 'RAPL package-0 (Linux powercap), less the idle baseline',
        unavailable: null,
        howTo: null,
        cpuWatts: null,
        cpuWattsFrom: null,
        cpuName: 'Test CPU 3000',
        idleWatts: 3.21,
      },
    };
    const section = await renderMonitoring();
    expect(section.textContent).toContain('Energy is measured: RAPL package-0 (Linux powercap), less the idle baseline');
    expect(section.textContent).toContain('Idle baseline 3.2 W.');
    expect(within(section).queryByRole('button', { name: 'Copy command' })).toBeNull();
    expect((within(section).getByRole('spinbutton', { name: 'CPU power (W)' }) as HTMLInputElement).value).toBe('');
  });
});

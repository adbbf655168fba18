// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app/App';
import { TuningPanel } from '../../../renderer/src/features/tuning';
import { loadModels, setConnection, startSync } from '../../../renderer/src/state';
import { useFakeTern } from './setup';

// jsdom has no canvas: the chart library is replaced (its use is tested in tuning-benchmark).
vi.mock('uplot', () => ({
  default: class {
    setSize() {}
    destroy() {}
  },
}));

async function renderTuning() {
  await act(async () => {
    await loadModels();
  });
  render(<TuningPanel onClose={() => {}} />);
  return screen.findByRole('spinbutton', { name: 'CPU threads' });
}

const description = (element: HTMLElement) =>
  (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');

describe('Tuning view', () => {
  const fake = useFakeTern();

  it('opens from the sidebar button "Tuning" as a region named Tuning', async () => {
    render(<App />);
    await act(async () => {
      startSync();
    });
    const nav = screen.getByRole('button', { name: 'Tuning' });
    fireEvent.click(nav);
    expect(nav.getAttribute('aria-pressed')).toBe('true');
    const region = await screen.findByRole('region', { name: 'Tuning' });
    expect(await within(region).findByRole('spinbutton', { name: 'CPU threads' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Close Tuning' }));
    expect(screen.queryByRole('region', { name: 'Tuning' })).toBeNull();
    expect(nav.getAttribute('aria-pressed')).toBe('false');
  });

  it('follows the host only while shown (startSync does not listen to tuning events)', async () => {
    const stop = startSync();
    // startSync's own ten (apiStatus and updateStatus among them).
    await waitFor(() => expect(fake().listenerCount).toBe(10));
    const view = render(<TuningPanel onClose={() => {}} />);
    await screen.findByRole('spinbutton', { name: 'CPU threads' });
    // tuningChanged, benchmarkProgress, benchmarkChanged; monitoringChanged, alert, chatStream (Monitoring)
    expect(fake().listenerCount).toBe(16);
    expect(fake().callsOf('getTuning')).toHaveLength(1);
    expect(fake().callsOf('listBenchmarks')).toHaveLength(1);
    expect(fake().callsOf('getMonitoring')).toHaveLength(1);
    expect(fake().callsOf('listReplyMetrics')).toEqual([{ limit: 20 }]);
    view.unmount();
    expect(fake().listenerCount).toBe(10);
    stop();
  });

  it('follows tuningChanged from elsewhere', async () => {
    const threads = (await renderTuning()) as HTMLInputElement;
    act(() => {
      fake().setTuningState({ values: { ...fake().tuning.values, threads: 7 }, scenario: null, threadsFrom: 'chosen' });
    });
    expect(threads.value).toBe('7');
  });

  it('reloads after the connection comes back', async () => {
    await renderTuning();
    act(() => setConnection('reconnecting'));
    await act(async () => setConnection('connected'));
    await waitFor(() => expect(fake().callsOf('getTuning')).toHaveLength(2));
    expect(fake().callsOf('listBenchmarks')).toHaveLength(2);
  });

  it('shows CPU threads, where the value comes from, and that it applies to the next reply without a reload', async () => {
    const threads = (await renderTuning()) as HTMLInputElement;
    expect(threads.value).toBe('4');
    expect(threads.min).toBe('1');
    expect(threads.max).toBe('8');
    const said = description(threads);
    expect(said).toContain('the physical cores (4)');
    expect(said).toMatch(/applied to the next reply, no reload/i);
  });

  it('offers the four scenarios, each described with its brief equivalent and what it sets', async () => {
    await renderTuning();
    const group = screen.getByRole('radiogroup', { name: 'Scenario' });
    const radios = within(group).getAllByRole('radio');
    expect(radios.map((r) => r.getAttribute('value'))).toEqual(['battery', 'balanced', 'performance', 'maximum']);
    const names = ['Battery saver', 'Balanced', 'Performance', 'Maximum'];
    const briefs = ['≈ mobile', '≈ edge', '≈ server', '≈ cloud'];
    names.forEach((name, i) => {
      const radio = within(group).getByRole('radio', { name });
      const said = description(radio);
      expect(said).toContain(briefs[i]);
      for (const part of ['threads', 'context', 'prompt micro-batch', 'head', 'replies up to']) expect(said).toContain(part);
    });
    expect(description(within(group).getByRole('radio', { name: 'Battery saver' }))).toContain(
      '2 threads, 2,048-token context, prompt micro-batch 32, head Q6_K, replies up to 256 tokens',
    );
    expect((within(group).getByRole('radio', { name: 'Balanced' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText(/“batch size” means requests served at once. Tern runs one request at a time/)).toBeTruthy();
  });

  it("says plainly when the loaded model does not fit a scenario's brief memory limit", async () => {
    fake().tuning.loadedModelBytes = 1_400_000_000;
    await renderTuning();
    const battery = screen.getByRole('radio', { name: 'Battery saver' });
    expect(description(battery)).toContain('brief limit 512 MB — the loaded model needs 1.4 GB: does not fit');
    expect(description(screen.getByRole('radio', { name: 'Balanced' }))).toContain('brief limit 2 GB — the loaded model needs 1.4 GB: fits');
    expect(description(screen.getByRole('radio', { name: 'Maximum' }))).toContain('brief limit 32 GB — the loaded model needs 1.4 GB: fits');
  });

  it('says when no model is loaded to compare with the brief limit', async () => {
    await renderTuning();
    expect(description(screen.getByRole('radio', { name: 'Battery saver' }))).toContain('brief limit 512 MB — no model is loaded to compare');
  });

  it('choosing a scenario applies it and CPU threads show its value', async () => {
    const threads = (await renderTuning()) as HTMLInputElement;
    fireEvent.click(screen.getByRole('radio', { name: 'Maximum' }));
    await waitFor(() => expect(threads.value).toBe('8'));
    expect(fake().callsOf('applyScenario')).toEqual([{ scenario: 'maximum' }]);
    expect((screen.getByRole('radio', { name: 'Maximum' }) as HTMLInputElement).checked).toBe(true);
    expect(description(threads)).toContain('chosen here');

    fireEvent.click(screen.getByRole('radio', { name: 'Battery saver' }));
    await waitFor(() => expect(threads.value).toBe('2'));
    expect((screen.getByRole('spinbutton', { name: 'Context (tokens)' }) as HTMLInputElement).value).toBe('2048');
    expect((screen.getByRole('combobox', { name: 'Head precision' }) as HTMLSelectElement).value).toBe('q6_k');
  });

  it('changing CPU threads calls updateTuning (after a pause in typing, or at once on Enter)', async () => {
    const threads = (await renderTuning()) as HTMLInputElement;
    fireEvent.change(threads, { target: { value: '6' } });
    expect(threads.value).toBe('6');
    await waitFor(() => expect(fake().callsOf('updateTuning')).toEqual([{ threads: 6 }]));
    await waitFor(() => expect(description(threads)).toContain('chosen here'));
    // The scenario becomes custom: no radio is checked.
    expect(screen.getAllByRole('radio').some((r) => (r as HTMLInputElement).checked)).toBe(false);

    fireEvent.change(threads, { target: { value: '3' } });
    fireEvent.keyDown(threads, { key: 'Enter' });
    await waitFor(() => expect(fake().callsOf('updateTuning')).toEqual([{ threads: 6 }, { threads: 3 }]));
    await waitFor(() => expect(threads.value).toBe('3'));
  });

  it('refuses a thread count beyond the logical cores without calling the host', async () => {
    const threads = (await renderTuning()) as HTMLInputElement;
    fireEvent.change(threads, { target: { value: '12' } });
    fireEvent.keyDown(threads, { key: 'Enter' });
    expect(await screen.findByText('Enter a number from 1 to 8.')).toBeTruthy();
    expect(threads.getAttribute('aria-invalid')).toBe('true');
    expect(fake().callsOf('updateTuning')).toEqual([]);
  });

  it('edits the other values, and marks those waiting for a reload', async () => {
    fake().loadedWith = { contextTokens: 4096, promptBatch: 64, headType: 'q8_0' };
    await renderTuning();
    expect(screen.queryByText('applies after the model reloads')).toBeNull();

    const context = screen.getByRole('spinbutton', { name: 'Context (tokens)' });
    fireEvent.change(context, { target: { value: '8192' } });
    fireEvent.blur(context);
    await waitFor(() => expect(fake().callsOf('updateTuning')).toEqual([{ contextTokens: 8192 }]));
    await waitFor(() => expect(description(context)).toContain('applies after the model reloads'));
    expect(screen.getByRole('status').textContent).toContain('Changed context: applies after the model reloads.');

    fireEvent.change(screen.getByRole('combobox', { name: 'Head precision' }), { target: { value: 'f16' } });
    await waitFor(() => expect(fake().callsOf('updateTuning')).toContainEqual({ headType: 'f16' }));
    await waitFor(() => expect(description(screen.getByRole('combobox', { name: 'Head precision' }))).toContain('applies after the model reloads'));

    const batch = screen.getByRole('spinbutton', { name: 'Prompt micro-batch (tokens)' });
    fireEvent.change(batch, { target: { value: '128' } });
    fireEvent.keyDown(batch, { key: 'Enter' });
    await waitFor(() => expect(fake().callsOf('updateTuning')).toContainEqual({ promptBatch: 128 }));

    const reply = screen.getByRole('spinbutton', { name: 'Reply length (tokens)' });
    fireEvent.change(reply, { target: { value: '512' } });
    fireEvent.keyDown(reply, { key: 'Enter' });
    await waitFor(() => expect(fake().callsOf('updateTuning')).toContainEqual({ maxTokens: 512 }));
    // The reply length needs no reload.
    expect(description(reply)).not.toContain('applies after the model reloads');
    expect(fake().settings.sampling.maxTokens).toBe(512);
  });

  it('says what failed when the host refuses a change', async () => {
    fake().failOnce('applyScenario', 'the engine is busy');
    await renderTuning();
    fireEvent.click(screen.getByRole('radio', { name: 'Performance' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Could not apply the scenario: the engine is busy');
    expect((screen.getByRole('spinbutton', { name: 'CPU threads' }) as HTMLInputElement).value).toBe('4');
  });

  it('disables changes while the host is not connected', async () => {
    await renderTuning();
    act(() => setConnection('reconnecting'));
    expect((screen.getByRole('spinbutton', { name: 'CPU threads' }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('radio', { name: 'Maximum' }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Run benchmark' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Tuning profiles', () => {
  const fake = useFakeTern();

  it('saves the values in force under a name, applies a profile, and deletes one after asking', async () => {
    const threads = (await renderTuning()) as HTMLInputElement;
    expect(screen.getByText('No saved profiles yet.')).toBeTruthy();
    fireEvent.change(screen.getByRole('textbox', { name: 'Profile name' }), { target: { value: '  Quiet  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    const list = await screen.findByRole('list', { name: 'Saved profiles' });
    expect(fake().callsOf('saveProfile')).toEqual([{ name: 'Quiet' }]);
    expect(within(list).getByText('Quiet')).toBeTruthy();
    expect(within(list).getByText('in use')).toBeTruthy();
    // The list can show the profile (from the state) a moment before the save's answer clears the box.
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Profile name' }) as HTMLInputElement).value).toBe(''));

    fireEvent.click(screen.getByRole('radio', { name: 'Maximum' }));
    await waitFor(() => expect(threads.value).toBe('8'));
    expect(within(list).queryByText('in use')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Apply profile Quiet' }));
    await waitFor(() => expect(threads.value).toBe('4'));
    expect(fake().callsOf('applyProfile')).toEqual([{ id: fake().tuning.profiles[0]?.id }]);

    fireEvent.click(screen.getByRole('button', { name: 'Delete profile Quiet' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete the profile “Quiet”?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake().callsOf('deleteProfile')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete profile Quiet' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.getByText('No saved profiles yet.')).toBeTruthy());
    expect(fake().tuning.profiles).toEqual([]);
  });

  it('asks for a name before saving', async () => {
    await renderTuning();
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(screen.getByText('Enter a name.')).toBeTruthy();
    expect(fake().callsOf('saveProfile')).toEqual([]);
  });

  it("sets a runnable model's own default profile", async () => {
    const model = fake().addModel('bitnet-2b.gguf');
    fake().addModel('broken.gguf', { problem: 'not a GGUF file' });
    fake().tuning.profiles = [{ id: 'p-quiet', name: 'Quiet', values: { ...fake().tuning.values, threads: 2 }, createdAt: 1 }];
    await renderTuning();
    const select = screen.getByRole('combobox', { name: 'Default profile for bitnet-2b.gguf' }) as HTMLSelectElement;
    expect(screen.queryByRole('combobox', { name: /broken\.gguf/ })).toBeNull();
    expect(select.value).toBe('');
    fireEvent.change(select, { target: { value: 'p-quiet' } });
    await waitFor(() => expect(select.value).toBe('p-quiet'));
    expect(fake().callsOf('setModelProfile')).toEqual([{ modelId: model.id, profileId: 'p-quiet' }]);
    fireEvent.change(select, { target: { value: '' } });
    await waitFor(() => expect(select.value).toBe(''));
    expect(fake().callsOf('setModelProfile')).toContainEqual({ modelId: model.id, profileId: null });
  });
});

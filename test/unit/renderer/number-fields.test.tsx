// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SamplingFields } from '../../../renderer/src/components/SamplingFields';
import type { SamplingDraft, SamplingErrors } from '../../../renderer/src/lib/sampling-form';
import { CommitNumberField } from '../../../renderer/src/features/settings/components/ApiFields';
import { TuningNumberField } from '../../../renderer/src/features/tuning/components/TuningNumberField';

const spin = (name: string) => screen.getByRole('spinbutton', { name }) as HTMLInputElement;
/** The ids the input is described by, each as its element's class and text. */
function described(input: HTMLInputElement): string[] {
  const ids = input.getAttribute('aria-describedby');
  if (ids === null) return [];
  return ids.split(' ').map((id) => {
    const el = document.getElementById(id);
    return `${el?.className}: ${el?.textContent}`;
  });
}
const fieldOf = (input: HTMLInputElement) => input.closest('div') as HTMLDivElement;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const DRAFT: SamplingDraft = { temperature: '0.7', topP: '0.9', topK: '40', minP: '0.05', repeatPenalty: '1.1', maxTokens: '512', seed: '' };

describe('NumberField, controlled by its parent', () => {
  it('labels the input, says the hint, and the error first when there is one', () => {
    const onChange = vi.fn();
    const { rerender } = render(<SamplingFields draft={DRAFT} errors={{}} onChange={onChange} />);
    const temperature = spin('Temperature');
    expect(temperature.type).toBe('number');
    expect(temperature.className).toBe('field-input');
    expect(temperature.getAttribute('inputmode')).toBe('decimal');
    expect([temperature.min, temperature.max, temperature.step]).toEqual(['0', '5', '0.05']);
    expect(temperature.value).toBe('0.7');
    expect(temperature.hasAttribute('placeholder')).toBe(false);
    expect(temperature.hasAttribute('aria-invalid')).toBe(false);
    expect(fieldOf(temperature).className).toBe('field');
    expect(described(temperature)).toEqual(['field-hint: 0 always takes the likeliest token.']);

    fireEvent.change(temperature, { target: { value: '1.5' } });
    expect(onChange).toHaveBeenCalledWith('temperature', '1.5');

    const errors: SamplingErrors = { temperature: 'Enter a number from 0 to 5.' };
    rerender(<SamplingFields draft={DRAFT} errors={errors} onChange={onChange} fallback={{ ...sampling(), seed: null }} />);
    expect(temperature.getAttribute('aria-invalid')).toBe('true');
    expect(fieldOf(temperature).className).toBe('field invalid');
    expect(described(temperature)).toEqual(['field-error: Enter a number from 0 to 5.', 'field-hint: 0 always takes the likeliest token.']);
    expect(spin('Seed').placeholder).toBe('random');
    expect(spin('Temperature').placeholder).toBe('0.8');
  });
});

function sampling() {
  return { temperature: 0.8, topP: 0.95, topK: 40, minP: 0.05, repeatPenalty: 1.1, maxTokens: 1024, seed: 1 as number | null };
}

describe('TuningNumberField: sent as typed', () => {
  it('describes the input by its error, its reload note and its hint, in that order', async () => {
    const onCommit = vi.fn(() => Promise.resolve());
    render(<TuningNumberField label="Context (tokens)" value={4096} min={256} max={8192} hint="The hint." pendingReload onCommit={onCommit} />);
    const input = spin('Context (tokens)');
    expect(input.className).toBe('field-input');
    expect(input.getAttribute('inputmode')).toBe('numeric');
    expect([input.min, input.max, input.step]).toEqual(['256', '8192', '1']);
    expect(input.value).toBe('4096');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(described(input)).toEqual(['reload-mark: applies after the model reloads', 'field-hint: The hint.']);

    fireEvent.change(input, { target: { value: '10' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(fieldOf(input).className).toBe('field invalid');
    expect(described(input)).toEqual(['field-error: Enter a number from 256 to 8192.', 'reload-mark: applies after the model reloads', 'field-hint: The hint.']);
    expect(onCommit).not.toHaveBeenCalled();
  });

  it('empty for no value; decimal, step, placeholder and disabled as given; no reload note unless pending', () => {
    render(
      <TuningNumberField label="CPU power (W)" value={null} min={1} max={1000} step="any" integer={false} placeholder="65" disabled hint="Rated power." onCommit={() => Promise.resolve()} />,
    );
    const input = spin('CPU power (W)');
    expect(input.value).toBe('');
    expect(input.getAttribute('inputmode')).toBe('decimal');
    expect(input.step).toBe('any');
    expect(input.placeholder).toBe('65');
    expect(input.disabled).toBe(true);
    expect(described(input)).toEqual(['field-hint: Rated power.']);
  });

  it('sends after a pause in typing, at once on Enter; Enter with nothing typed is left alone', async () => {
    vi.useFakeTimers();
    const onCommit = vi.fn(() => Promise.resolve());
    render(<TuningNumberField label="CPU threads" value={4} min={1} max={8} hint="Threads." onCommit={onCommit} />);
    const input = spin('CPU threads');
    expect(fireEvent.keyDown(input, { key: 'Enter' })).toBe(true);

    fireEvent.change(input, { target: { value: '6' } });
    await act(async () => vi.advanceTimersByTime(399));
    expect(onCommit).not.toHaveBeenCalled();
    await act(async () => vi.advanceTimersByTime(1));
    expect(onCommit).toHaveBeenCalledWith(6);
    // Sent already: leaving the field sends nothing more.
    await act(async () => fireEvent.blur(input));
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(input.value).toBe('4');

    fireEvent.change(input, { target: { value: '3' } });
    let notPrevented = true;
    await act(async () => {
      notPrevented = fireEvent.keyDown(input, { key: 'Enter' });
    });
    expect(notPrevented).toBe(false);
    expect(onCommit).toHaveBeenLastCalledWith(3);
    await act(async () => vi.advanceTimersByTime(1000));
    expect(onCommit).toHaveBeenCalledTimes(2);

    fireEvent.change(input, { target: { value: '2' } });
    await act(async () => fireEvent.blur(input));
    expect(onCommit).toHaveBeenLastCalledWith(2);
    expect(onCommit).toHaveBeenCalledTimes(3);
  });
});

describe('CommitNumberField: sent on Enter or leaving the field', () => {
  const PORT = { min: 1024, max: 65_535, integer: true };

  it('describes the input by its error, then its hint', () => {
    render(<CommitNumberField label="Port" value={4311} rule={PORT} hint="Where it listens." onCommit={() => Promise.resolve()} />);
    const input = spin('Port');
    expect(input.className).toBe('field-input');
    expect(input.getAttribute('inputmode')).toBe('numeric');
    expect([input.min, input.max, input.step]).toEqual(['1024', '65535', '1']);
    expect(input.value).toBe('4311');
    expect(described(input)).toEqual(['field-hint: Where it listens.']);
    fireEvent.change(input, { target: { value: '80' } });
    fireEvent.blur(input);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(fieldOf(input).className).toBe('field invalid');
    expect(described(input)).toEqual(['field-error: Enter a number from 1024 to 65535.', 'field-hint: Where it listens.']);
  });

  it('has no description without a hint or an error', () => {
    render(<CommitNumberField label="Port" value={4311} rule={PORT} disabled onCommit={() => Promise.resolve()} />);
    expect(spin('Port').hasAttribute('aria-describedby')).toBe(false);
    expect(spin('Port').disabled).toBe(true);
  });

  it('never sends while typing; Enter then leaving sends once; the host value again after, unless more was typed', async () => {
    vi.useFakeTimers();
    const pending = deferred();
    const onCommit = vi.fn(() => pending.promise);
    render(<CommitNumberField label="Port" value={4311} rule={PORT} onCommit={onCommit} />);
    const input = spin('Port');
    // Enter is kept from the form even with nothing typed.
    expect(fireEvent.keyDown(input, { key: 'Enter' })).toBe(false);

    fireEvent.change(input, { target: { value: '5000' } });
    await act(async () => vi.advanceTimersByTime(5000));
    expect(onCommit).not.toHaveBeenCalled();

    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.blur(input);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(onCommit).toHaveBeenCalledWith(5000);

    fireEvent.change(input, { target: { value: '5001' } });
    await act(async () => pending.resolve());
    expect(input.value).toBe('5001');
    await act(async () => fireEvent.blur(input));
    expect(onCommit).toHaveBeenLastCalledWith(5001);
    // The host kept 4311: the field shows it again.
    expect(input.value).toBe('4311');
    await act(async () => fireEvent.blur(input));
    expect(onCommit).toHaveBeenCalledTimes(2);
  });

  it('the host value typed again is not sent, and the draft goes', async () => {
    const onCommit = vi.fn(() => Promise.resolve());
    render(<CommitNumberField label="Port" value={4311} rule={PORT} onCommit={onCommit} />);
    const input = spin('Port');
    fireEvent.change(input, { target: { value: '04311' } });
    await act(async () => fireEvent.keyDown(input, { key: 'Enter' }));
    expect(onCommit).not.toHaveBeenCalled();
    expect(input.value).toBe('4311');
  });
});

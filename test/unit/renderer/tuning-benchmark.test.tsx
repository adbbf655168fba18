// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TuningPanel } from '../../../renderer/src/features/tuning';
import { loadModels } from '../../../renderer/src/state';
import { sampleRates, sampleRow } from './fakeApi';
import { useFakeTern } from './setup';

// jsdom has no canvas: uPlot is replaced by a recorder of the charts made, their data and options.
const plots = vi.hoisted(() => ({
  made: [] as { opts: { width: number; height: number; series: { label?: string; stroke?: unknown }[] }; data: number[][]; target: HTMLElement; destroyed: boolean }[],
}));
vi.mock('uplot', () => ({
  default: class {
    private entry: (typeof plots.made)[number];
    constructor(opts: (typeof plots.made)[number]['opts'], data: number[][], target: HTMLElement) {
      this.entry = { opts, data, target, destroyed: false };
      plots.made.push(this.entry);
    }
    setSize() {}
    destroy() {
      this.entry.destroyed = true;
    }
  },
}));

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

async function renderTuning() {
  await act(async () => {
    await loadModels();
  });
  render(<TuningPanel onClose={() => {}} />);
  await screen.findByRole('spinbutton', { name: 'CPU threads' });
}

const results = () => screen.getByRole('table', { name: 'Benchmark results' });
const bodyRows = () => within(results()).getAllByRole('row').slice(1);

describe('Tuning benchmark', () => {
  const fake = useFakeTern();
  const downloads = catchDownloads();
  beforeEach(() => {
    plots.made.length = 0;
  });

  it('runs: progress with the step and Cancel, then a row per thread count, the best marked, and the chart', async () => {
    fake().addModel('bitnet-2b.gguf', { kernels: { decode: 'avx512', prefill: 'amx' } });
    await renderTuning();
    expect(screen.getByText('No benchmark has run on this computer yet.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Run benchmark' }));

    const bar = await screen.findByRole('progressbar', { name: 'Benchmark progress' });
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Run benchmark' }) as HTMLButtonElement).disabled).toBe(true);
    expect(fake().callsOf('runBenchmark')).toEqual([{}]);

    act(() => fake().benchmarkStep());
    act(() => fake().benchmarkStep());
    expect(screen.getByText('1 thread, repetition 2 of 3 (2 of 12)')).toBeTruthy();
    expect(bar.getAttribute('aria-valuenow')).toBe('17');
    expect(bar.getAttribute('aria-valuetext')).toBe('2 of 12: 1 thread, repetition 2 of 3');

    await act(async () => {
      fake().finishBenchmark();
    });
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();

    const rows = bodyRows();
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['1', '2', '4best', '8']);
    const headers = within(results()).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Threads', 'Prefill tok/s', 'Decode tok/s', 'TTFT at 128 tokens', 'TTFT at 512 tokens', 'TTFT at 1,024 tokens', 'J/token']);
    const four = rows[2]!;
    expect(four.className).toContain('bench-best');
    const { decode, prefill } = sampleRates(4);
    expect(four.textContent).toContain(`${decode.toFixed(1)} 19.0–21.0`);
    expect(four.textContent).toContain(`${Math.round(prefill)}`);
    // TTFT: 128 tokens at 192 tok/s prefill.
    expect(four.textContent).toContain('667 ms');

    // What the run used.
    expect(screen.getByText('Test CPU 3000')).toBeTruthy();
    expect(screen.getByText('decode avx512 · prefill amx')).toBeTruthy();
    expect(screen.getByText('tern-engine 0.1.0')).toBeTruthy();
    expect(screen.getByText(`${fake().folder}/bitnet-2b.gguf`)).toBeTruthy();

    // The chart: uPlot made once, into the named container, with threads, decode and prefill medians.
    const box = await screen.findByRole('img', { name: /^Benchmark chart: decode and prefill tok\/s by CPU threads/ });
    const live = plots.made.filter((p) => !p.destroyed);
    expect(live).toHaveLength(1);
    const chart = live[0]!;
    expect(chart.data).toEqual([
      [1, 2, 4, 8],
      [1, 2, 4, 8].map((t) => sampleRates(t).decode),
      [1, 2, 4, 8].map((t) => sampleRates(t).prefill),
    ]);
    expect(chart.opts.series.map((s) => s.label)).toEqual(['Threads', 'Decode tok/s', 'Prefill tok/s']);
    expect(chart.opts.width).toBeGreaterThan(0);
    expect(typeof chart.opts.series[1]?.stroke).toBe('string');
    expect(chart.target).toBe(box);
    expect(box.getAttribute('aria-label')).toContain('best decode 20.0 tok/s at 4 threads');
  });

  it('sends the thread counts and repetitions given', async () => {
    fake().addModel('bitnet-2b.gguf');
    await renderTuning();
    fireEvent.change(screen.getByRole('textbox', { name: 'Thread counts' }), { target: { value: '4, 2 2' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Repetitions' }), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run benchmark' }));
    await waitFor(() => expect(fake().callsOf('runBenchmark')).toEqual([{ threads: [2, 4], repetitions: 2 }]));
    await act(async () => {
      fake().finishBenchmark();
    });
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
  });

  it('refuses thread counts beyond the logical cores', async () => {
    await renderTuning();
    fireEvent.change(screen.getByRole('textbox', { name: 'Thread counts' }), { target: { value: '1, 64' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run benchmark' }));
    expect(screen.getByText('Thread counts are whole numbers from 1 to 8.')).toBeTruthy();
    expect(fake().callsOf('runBenchmark')).toEqual([]);
  });

  it('Cancel stops the run and shows what was measured', async () => {
    fake().addModel('bitnet-2b.gguf');
    await renderTuning();
    fireEvent.click(screen.getByRole('button', { name: 'Run benchmark' }));
    await screen.findByRole('progressbar', { name: 'Benchmark progress' });
    act(() => {
      for (let i = 0; i < 4; i += 1) fake().benchmarkStep();
    });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(fake().callsOf('cancelBenchmark')).toEqual([{}]);
    expect(screen.getByText('Cancelled')).toBeTruthy();
    expect(bodyRows()).toHaveLength(1);
  });

  it('says why a run could not start or failed', async () => {
    await renderTuning();
    fireEvent.click(screen.getByRole('button', { name: 'Run benchmark' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Could not run the benchmark: there is no model to run the benchmark on');
    fake().addModel('bitnet-2b.gguf');
    fireEvent.click(screen.getByRole('button', { name: 'Run benchmark' }));
    await screen.findByRole('progressbar');
    await act(async () => {
      fake().finishBenchmark('failed', 'the engine stopped');
    });
    expect((await screen.findByRole('alert')).textContent).toContain('The benchmark failed: the engine stopped');
  });

  it('Apply best sets CPU threads to the best here', async () => {
    fake().tuning = { ...fake().tuning, values: { ...fake().tuning.values, threads: 8 }, scenario: null, threadsFrom: 'chosen' };
    fake().benchmarks = [fake().makeBenchmark()];
    await renderTuning();
    await screen.findByRole('table', { name: 'Benchmark results' });
    expect(screen.getByText('Best here: 4 threads (now 8).')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Apply best' }));
    await waitFor(() => expect((screen.getByRole('spinbutton', { name: 'CPU threads' }) as HTMLInputElement).value).toBe('4'));
    expect(fake().callsOf('applyBestThreads')).toEqual([{ id: fake().benchmarks[0]!.id }]);
    expect(screen.getByText('CPU threads are at the best here: 4.')).toBeTruthy();
  });

  it('Export benchmark downloads it as JSON or Markdown', async () => {
    const benchmark = fake().makeBenchmark();
    fake().benchmarks = [benchmark];
    await renderTuning();
    await screen.findByRole('table', { name: 'Benchmark results' });

    fireEvent.click(screen.getByRole('button', { name: 'Export benchmark' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Markdown' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(fake().callsOf('exportBenchmark')).toEqual([{ id: benchmark.id, format: 'markdown' }]);
    expect(downloads[0]).toMatchObject({ fileName: `tern-benchmark-${benchmark.id}.md`, type: 'text/markdown' });
    expect(await downloads[0]!.blob.text()).toContain('tern bench');

    fireEvent.click(screen.getByRole('button', { name: 'Export benchmark' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'JSON' }));
    await waitFor(() => expect(downloads).toHaveLength(2));
    expect(downloads[1]).toMatchObject({ fileName: `tern-benchmark-${benchmark.id}.json`, type: 'application/json' });
    expect(JSON.parse(await downloads[1]!.blob.text())).toMatchObject({ id: benchmark.id });
  });

  it('shows the latest run and lists the earlier ones', async () => {
    const older = fake().makeBenchmark({ threads: [1, 2], modelName: 'Older model' });
    const latest = fake().makeBenchmark({ threads: [1, 2, 4] });
    fake().benchmarks = [older, latest];
    await renderTuning();
    await screen.findByRole('table', { name: 'Benchmark results' });
    expect(bodyRows()).toHaveLength(3);
    const runs = screen.getByRole('combobox', { name: 'Earlier runs' }) as HTMLSelectElement;
    expect(runs.value).toBe(latest.id);
    expect(within(runs).getAllByRole('option')).toHaveLength(2);
    fireEvent.change(runs, { target: { value: older.id } });
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    expect(screen.getByText(/^Older model ·/)).toBeTruthy();
    // The chart follows the run shown.
    await waitFor(() => expect(plots.made.filter((p) => !p.destroyed).map((p) => p.data[0])).toEqual([[1, 2]]));
  });

  it('J/token: the median and range per thread count, "—" when not measured, and the energy source said', async () => {
    const rows = [1, 2].map((t) => sampleRow(t, [128]));
    rows[1] = { ...rows[1]!, joulesPerToken: { median: 0.0412, min: 0.039, max: 0.0437 } };
    fake().benchmarks = [fake().makeBenchmark({ threads: [1, 2], promptLengths: [128], rows, energySource: 'os-estimate' })];
    await renderTuning();
    await screen.findByRole('table', { name: 'Benchmark results' });
    const cells = bodyRows().map((r) => within(r).getAllByRole('cell').at(-1)?.textContent);
    expect(cells).toEqual(['—', '0.0412 0.039–0.0437']);
    expect(screen.getByText('OS estimate').className).toContain('energy-source');
  });
});

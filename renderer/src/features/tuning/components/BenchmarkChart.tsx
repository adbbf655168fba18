import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BenchmarkRow } from '../../../lib/contract';
import { formatRate } from '../../../lib/tuning-words';

const HEIGHT = 260;
const FALLBACK_WIDTH = 640;

interface ChartColors {
  decode: string;
  prefill: string;
  text: string;
  grid: string;
  font: string;
}

/** The chart's colours from the CSS variables in force (light or dark), read off its container. */
function readColors(element: HTMLElement): ChartColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    decode: read('--chart-decode', '#2457c5'),
    prefill: read('--chart-prefill', '#c2410c'),
    text: read('--muted', '#5d6675'),
    grid: read('--border', '#d9dde3'),
    font: read('--font', 'system-ui, sans-serif'),
  };
}

/** Follows the system's light or dark setting (the stylesheet's variables follow it too). */
function useColorScheme(): 'light' | 'dark' {
  const [query] = useState(() =>
    typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null,
  );
  const [dark, setDark] = useState(() => query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = (event: MediaQueryListEvent) => setDark(event.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  return dark ? 'dark' : 'light';
}

/** The container's width, followed with a ResizeObserver where there is one. */
function useWidth(element: RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const box = element.current;
    if (!box) return;
    setWidth(Math.floor(box.clientWidth));
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, [element]);
  return width;
}

function chartOptions(colors: ChartColors, width: number, threads: number[]): uPlot.Options {
  const axis = (fields: Partial<uPlot.Axis>): uPlot.Axis => ({
    stroke: colors.text,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
    font: `12px ${colors.font}`,
    labelFont: `12px ${colors.font}`,
    ...fields,
  });
  const fromZero: uPlot.Scale.Range = (_u, _min, max) => [0, max > 0 ? max * 1.12 : 1];
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: false, range: (_u, min, max) => [Math.max(0, min - 0.5), max + 0.5] },
      decode: { range: fromZero },
      prefill: { range: fromZero },
    },
    axes: [
      axis({ label: 'CPU threads', splits: () => threads, values: (_u, splits) => splits.map(String) }),
      axis({ scale: 'decode', label: 'Decode tok/s', values: (_u, splits) => splits.map((v) => formatRate(v)) }),
      axis({ scale: 'prefill', label: 'Prefill tok/s', side: 1, grid: { show: false }, values: (_u, splits) => splits.map((v) => formatRate(v)) }),
    ],
    series: [
      { label: 'Threads' },
      {
        label: 'Decode tok/s',
        scale: 'decode',
        stroke: colors.decode,
        width: 2,
        points: { show: true, size: 7, fill: colors.decode },
        value: (_u, v) => (v === null ? '—' : formatRate(v)),
      },
      {
        label: 'Prefill tok/s',
        scale: 'prefill',
        stroke: colors.prefill,
        width: 2,
        dash: [6, 4],
        points: { show: true, size: 7, fill: colors.prefill },
        value: (_u, v) => (v === null ? '—' : formatRate(v)),
      },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

/** The plotted data: thread counts, median decode and median prefill rates (sorted by threads). */
export function chartData(rows: BenchmarkRow[]): uPlot.AlignedData {
  const sorted = [...rows].sort((a, b) => a.threads - b.threads);
  return [
    sorted.map((r) => r.threads),
    sorted.map((r) => r.decodeTokensPerSecond.median),
    sorted.map((r) => r.prefillTokensPerSecond.median),
  ];
}

/**
 * Decode and prefill tok/s against the thread count, drawn by uPlot into a canvas as wide as its
 * container. The same figures are in the results table; the chart has a name saying what it shows.
 */
export function BenchmarkChart({ rows, bestThreads }: { rows: BenchmarkRow[]; bestThreads: number | null }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const width = useWidth(boxRef);
  const widthRef = useRef(width);
  widthRef.current = width;
  const scheme = useColorScheme();
  const data = useMemo(() => chartData(rows), [rows]);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const threads = Array.from(data[0] as number[]);
    const chart = new uPlot(chartOptions(readColors(box), widthRef.current || FALLBACK_WIDTH, threads), data, box);
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
  }, [data, scheme]);

  useEffect(() => {
    if (width > 0) chartRef.current?.setSize({ width, height: HEIGHT });
  }, [width]);

  const best = rows.find((r) => r.threads === bestThreads);
  const summary = best
    ? `; best decode ${formatRate(best.decodeTokensPerSecond.median)} tok/s at ${best.threads} threads`
    : '';
  return (
    <div
      ref={boxRef}
      className="bench-chart"
      role="img"
      aria-label={`Benchmark chart: decode and prefill tok/s by CPU threads${summary}`}
    />
  );
}

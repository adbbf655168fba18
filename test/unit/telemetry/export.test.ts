/** The metrics export: JSON with everything, CSV with one row per reply (RFC 4180, safe in a spreadsheet). */
import { describe, expect, it } from 'vitest';
import { type Alert, type EnergyStatus, ReplyMetrics } from '../../../electron/common/contract';
import { METRICS_FIELDS } from '../../../electron/services/store/metrics';
import { type MetricsExport, csvCell, exportMetrics } from '../../../electron/services/telemetry/export';

const ENERGY: EnergyStatus = {
  source: 'modelled',
  detail: "The engine's CPU time × 50% of 15 W",
  unavailable: 'no powercap',
  howTo: null,
  cpuWatts: 15,
  cpuWattsFrom: 'table',
  cpuName: 'Intel(R) Core(TM) i7-1165G7 @ 2.80GHz',
  idleWatts: null,
};

function reply(id: string, over: Partial<ReplyMetrics> = {}): ReplyMetrics {
  return ReplyMetrics.parse({
    id,
    startedAt: Date.UTC(2025, 0, 2, 3, 4, 5, 678),
    durationMs: 5200.5,
    conversationId: 'c1',
    messageId: `m-${id}`,
    source: 'ui',
    modelId: 'model',
    modelName: 'BitNet b1.58 2B4T',
    status: 'complete',
    threads: 4,
    promptTokens: 40,
    generatedTokens: 96,
    ttftMs: 450,
    prefillTokensPerSec: 90,
    decodeTokensPerSec: 20.25,
    tokenP50Ms: 48,
    tokenP95Ms: 70,
    cpuPercent: 92,
    peakMemoryBytes: 1_300_000_000,
    memoryExpectedBytes: 1_200_000_000,
    energyJoules: 40,
    joulesPerToken: 0.4166,
    powerWatts: 7.7,
    energySource: 'modelled',
    ...over,
  });
}

const ALERT: Alert & { dismissed: boolean } = {
  id: 'a1',
  at: Date.UTC(2025, 0, 2, 3, 5),
  metric: 'decodeSpeed',
  severity: 'warning',
  value: 3.1,
  threshold: 5,
  text: 'Decode 3.1 tok/s, below 5 tok/s',
  conversationId: 'c1',
  messageId: 'm-r2',
  dismissed: true,
};

function data(metrics: ReplyMetrics[]): MetricsExport {
  return { exportedAt: Date.UTC(2025, 0, 3, 10, 20, 30), energy: ENERGY, metrics, alerts: [ALERT] };
}

/** Splits CSV text into rows of cells (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe('exportMetrics as JSON', () => {
  it('holds the format, the energy status, the metrics and the alerts', () => {
    const metrics = [reply('r1'), reply('r2', { status: 'error', energyJoules: null })];
    const { fileName, content } = exportMetrics(data(metrics), 'json');
    expect(fileName).toBe('tern-metrics-2025-01-03-10-20-30.json');
    expect(content.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(content);
    expect(parsed).toMatchObject({ format: 'tern-metrics', version: 1, exportedAt: Date.UTC(2025, 0, 3, 10, 20, 30) });
    expect(parsed.energy).toEqual(ENERGY);
    expect(parsed.metrics).toEqual(metrics);
    expect(ReplyMetrics.array().parse(parsed.metrics)).toEqual(metrics);
    expect(parsed.alerts).toEqual([ALERT]);
  });
});

describe('exportMetrics as CSV', () => {
  it('has the fields as header and one CRLF-ended line per reply', () => {
    const metrics = [reply('r1'), reply('r2'), reply('r3')];
    const { fileName, content } = exportMetrics(data(metrics), 'csv');
    expect(fileName).toBe('tern-metrics-2025-01-03-10-20-30.csv');
    expect(content.endsWith('\r\n')).toBe(true);
    expect(content.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = content.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(METRICS_FIELDS.join(','));
    expect(lines).toHaveLength(1 + metrics.length + 1);
  });

  it('has every field of a reply as a column, in order', () => {
    expect([...METRICS_FIELDS].sort()).toEqual(Object.keys(ReplyMetrics.shape).sort());
    const m = reply('r1');
    const rows = parseCsv(exportMetrics(data([m]), 'csv').content);
    const row = Object.fromEntries(METRICS_FIELDS.map((field, i) => [field, rows[1]![i]]));
    expect(row.id).toBe('r1');
    expect(row.startedAt).toBe('2025-01-02T03:04:05.678Z');
    expect(row.durationMs).toBe('5200.5');
    expect(row.decodeTokensPerSec).toBe('20.25');
    expect(row.peakMemoryBytes).toBe('1300000000');
    expect(row.energySource).toBe('modelled');
    expect(row.modelName).toBe('BitNet b1.58 2B4T');
  });

  it('leaves null cells empty', () => {
    const m = reply('r1', { energyJoules: null, joulesPerToken: null, energySource: null, conversationId: null, ttftMs: null });
    const rows = parseCsv(exportMetrics(data([m]), 'csv').content);
    expect(rows[1]).toHaveLength(METRICS_FIELDS.length);
    for (const field of ['energyJoules', 'joulesPerToken', 'energySource', 'conversationId', 'ttftMs'] as const) {
      expect(rows[1]![METRICS_FIELDS.indexOf(field)]).toBe('');
    }
  });

  it('quotes names holding commas, quotes or line breaks, and reads back the same', () => {
    const name = 'My "fast", model\r\nv2';
    const { content } = exportMetrics(data([reply('r1', { modelName: name })]), 'csv');
    const rows = parseCsv(content);
    expect(rows).toHaveLength(2);
    expect(rows[1]![METRICS_FIELDS.indexOf('modelName')]).toBe(name);
    expect(content).toContain('"My ""fast"", model\r\nv2"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const { content } = exportMetrics(data([reply('r1', { modelName: '=cmd|"/c calc"!A1' })]), 'csv');
    expect(parseCsv(content)[1]![METRICS_FIELDS.indexOf('modelName')]).toBe(`'=cmd|"/c calc"!A1`);
  });

  it('has just the header without replies', () => {
    expect(exportMetrics(data([]), 'csv').content).toBe(`${METRICS_FIELDS.join(',')}\r\n`);
  });
});

describe('csvCell', () => {
  it('writes numbers as they are, and nothing for null or non-finite numbers', () => {
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-2.5)).toBe('-2.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(Number.POSITIVE_INFINITY)).toBe('');
  });

  it('leaves plain text alone', () => {
    expect(csvCell('BitNet b1.58 2B4T')).toBe('BitNet b1.58 2B4T');
    expect(csvCell('')).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('one\r\ntwo')).toBe('"one\r\ntwo"');
  });

  it('prefixes formula-like text with a quote mark', () => {
    expect(csvCell('=cmd')).toBe("'=cmd");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('a=b')).toBe('a=b');
  });
});

/**
 * Telemetry through the real services: a reply in the real engine process streams readouts, its
 * stats keep the energy and its source, its metrics are stored and judged by the alert rules; a
 * benchmark records energy per token; the export; and nothing is sampled while the engine is idle.
 * No test assumes which energy source this machine gives.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  Alert,
  Benchmark,
  ChatStreamEvent,
  Conversation,
  EventName,
  EventPayload,
  Message,
  MonitoringState,
  Readouts,
  ReplyMetrics,
  SendResult,
  WireResult,
} from '../../../electron/common/contract';
import { type Dispatch, createDispatcher } from '../../../electron/services/dispatcher';
import { forkLauncher } from '../../../electron/services/engine-host/host';
import { type Services, openServices } from '../../../electron/services/services';
import { built, synthChatModel, workerPath } from '../engine-host/helpers';

const SOURCES = ['measured', 'os-estimate', 'modelled'];

let MODEL = '';
let modelDir = '';
beforeAll(async () => {
  if (!built) return;
  modelDir = mkdtempSync(join(tmpdir(), 'tern-telemetry-model-'));
  MODEL = join(modelDir, 'chat.gguf');
  await synthChatModel(MODEL);
});
afterAll(() => {
  if (modelDir) rmSync(modelDir, { recursive: true, force: true });
});

let root: string;
let services: Services;
let dispatch: Dispatch;
let seen: { name: EventName; payload: EventPayload<EventName> }[];
let counter = 0;

function open(): void {
  services = openServices({
    dataDir: join(root, 'data'),
    host: 'headless',
    owner: 'telemetry test',
    launchEngine: forkLauncher(workerPath),
    telemetryOptions: { sampleIntervalMs: 20 },
  });
  dispatch = createDispatcher(services.handlers);
  services.events.listen((name, payload) => seen.push({ name, payload }));
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tern-telemetry-'));
  mkdirSync(join(root, 'data', 'models'), { recursive: true });
  copyFileSync(MODEL, join(root, 'data', 'models', 'tiny.gguf'));
  seen = [];
  open();
  await services.library.scan();
});

afterEach(async () => {
  await services.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const result = (await dispatch(method, params)) as WireResult<T>;
  if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.message}`), { code: result.error.code });
  return result.value;
}

function events<E extends EventName>(name: E): EventPayload<E>[] {
  return seen.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);
}

async function finished(messageId: string): Promise<Message> {
  const start = Date.now();
  for (;;) {
    const done = events('chatStream').find((e: ChatStreamEvent) => e.type === 'finished' && e.message.id === messageId);
    if (done && done.type === 'finished') return done.message;
    if (Date.now() - start > 20_000) throw new Error(`reply ${messageId} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function reply(maxTokens: number, text = 'Tell me about the sea.'): Promise<Message> {
  const conversation = await call<Conversation>('createConversation', {});
  await call('updateConversationSettings', { id: conversation.id, settings: { sampling: { maxTokens, temperature: 0 } } });
  const sent = await call<SendResult>('sendMessage', { requestId: `telemetry-${++counter}-${Date.now()}`, conversationId: conversation.id, text });
  return finished(sent.reply.id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(built)('telemetry in the real services', () => {
  it('a reply streams readouts with their energy source, and its stats keep the energy after a reopen', async () => {
    const message = await reply(120);
    expect(message.status).toBe('interrupted'); // the length limit
    const mine = events('readouts').filter((r: Readouts) => r.messageId === message.id);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine[0]!.phase).not.toBe('done');
    const last = mine[mine.length - 1]!;
    expect(last.phase).toBe('done');
    expect(last.tokens).toBe(message.stats.generatedTokens);
    expect(last.ttftMs).toBeGreaterThan(0);
    expect(last.tokenP50Ms).toBeGreaterThan(0);
    expect(last.tokenP95Ms).toBeGreaterThanOrEqual(last.tokenP50Ms!);
    expect(last.recentTokenMs.length).toBeGreaterThan(0);
    expect(last.memoryBytes).toBeGreaterThan(0);
    expect(last.memoryExpectedBytes).toBeGreaterThan(0);
    expect(SOURCES).toContain(last.energySource);
    expect(last.energyJoules).toBeGreaterThan(0);

    expect(message.stats.energyJoules).toBe(last.energyJoules);
    expect(SOURCES).toContain(message.stats.energySource);

    await services.close();
    open();
    const again = await call<Message[]>('listMessages', { conversationId: message.conversationId });
    const stored = again.find((m) => m.id === message.id)!;
    expect(stored.stats.energyJoules).toBe(message.stats.energyJoules);
    expect(stored.stats.energySource).toBe(message.stats.energySource);

    const metrics = await call<ReplyMetrics[]>('listReplyMetrics', { limit: 10 });
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({
      messageId: message.id,
      conversationId: message.conversationId,
      source: 'ui',
      status: 'interrupted',
      generatedTokens: message.stats.generatedTokens,
      energyJoules: message.stats.energyJoules,
      energySource: message.stats.energySource,
    });
    expect(metrics[0]!.joulesPerToken).toBeCloseTo(message.stats.energyJoules! / message.stats.generatedTokens!, 9);
    expect(metrics[0]!.cpuPercent).toBeGreaterThan(0);
  });

  it('samples only while the engine works: none while idle, some during a reply', async () => {
    const state = () => call<MonitoringState>('getMonitoring', {});
    await reply(4); // loads the model
    const idleStart = (await state()).sampler;
    expect(idleStart.active).toBe(false);
    await sleep(300);
    expect((await state()).sampler.samples).toBe(idleStart.samples);
    await reply(200);
    const after = (await state()).sampler;
    expect(after.samples).toBeGreaterThan(idleStart.samples);
    expect(after.active).toBe(false);
    await sleep(300);
    expect((await state()).sampler.samples).toBe(after.samples);
  });

  it('a crossed rule raises an alert once, stored and shown until dismissed', async () => {
    await call('updateMonitoring', { rules: [{ metric: 'decodeSpeed', threshold: 1_000_000 }] });
    const first = await reply(40);
    const alerts = events('alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ metric: 'decodeSpeed', severity: 'warning', threshold: 1_000_000, messageId: first.id });
    expect((alerts[0] as Alert).text).toMatch(/^Decode [\d.]+ tok\/s, below 1000000 tok\/s$/);
    // Still crossed by the next reply: not raised again while the first is shown.
    await reply(40);
    expect(events('alert')).toHaveLength(1);
    expect((await call<MonitoringState>('getMonitoring', {})).alerts).toHaveLength(1);
    const dismissed = await call<MonitoringState>('dismissAlerts', {});
    expect(dismissed.alerts).toHaveLength(0);
    await reply(40);
    expect(events('alert')).toHaveLength(2);
    const reset = await call<MonitoringState>('resetAlertRules', {});
    expect(reset.rules.find((r) => r.metric === 'decodeSpeed')!.threshold).toBe(5);
  });

  it('the settings persist; the export has every reply as JSON and as CSV', async () => {
    await call('updateMonitoring', { retentionDays: 7, errorWindow: 50, cpuWatts: 42, rules: [{ metric: 'memory', enabled: false }] });
    await reply(20);
    await reply(20);
    await services.close();
    open();
    const state = await call<MonitoringState>('getMonitoring', {});
    expect(state).toMatchObject({ retentionDays: 7, errorWindow: 50, metricsCount: 2 });
    expect(state.rules.find((r) => r.metric === 'memory')!.enabled).toBe(false);
    if (state.energy.source === 'modelled') expect(state.energy).toMatchObject({ cpuWatts: 42, cpuWattsFrom: 'user' });

    const json = await call<{ fileName: string; content: string }>('exportMetrics', { format: 'json' });
    expect(json.fileName).toMatch(/^tern-metrics-.*\.json$/);
    const parsed = JSON.parse(json.content) as { format: string; metrics: ReplyMetrics[]; energy: { source: string } };
    expect(parsed.format).toBe('tern-metrics');
    expect(parsed.metrics).toHaveLength(2);
    expect(SOURCES).toContain(parsed.energy.source);
    const csv = await call<{ fileName: string; content: string }>('exportMetrics', { format: 'csv' });
    expect(csv.fileName).toMatch(/\.csv$/);
    const lines = csv.content.trimEnd().split('\r\n');
    expect(lines[0]!.split(',')).toContain('energySource');
    expect(lines).toHaveLength(3);
  });

  it('a stopped reply is kept as interrupted, and a benchmark records energy per token with its source', async () => {
    const conversation = await call<Conversation>('createConversation', {});
    await call('updateConversationSettings', { id: conversation.id, settings: { sampling: { maxTokens: 4000 } } });
    const sent = await call<SendResult>('sendMessage', { requestId: `telemetry-stop-${Date.now()}`, conversationId: conversation.id, text: 'Go on.' });
    while (!events('chatStream').some((e: ChatStreamEvent) => e.type === 'delta' && e.messageId === sent.reply.id)) await sleep(5);
    await call('stopReply', { conversationId: conversation.id });
    const stopped = await finished(sent.reply.id);
    expect(stopped.status).toBe('interrupted');
    const [metrics] = await call<ReplyMetrics[]>('listReplyMetrics', { limit: 1 });
    expect(metrics).toMatchObject({ messageId: stopped.id, status: 'interrupted' });

    const benchmark = await call<Benchmark>('runBenchmark', { threads: [1], promptLengths: [16], genTokens: 8, repetitions: 2 });
    expect(benchmark.state).toBe('done');
    expect(SOURCES).toContain(benchmark.energySource);
    expect(benchmark.rows[0]!.joulesPerToken!.median).toBeGreaterThan(0);
  });
});

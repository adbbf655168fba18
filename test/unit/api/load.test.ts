/**
 * A bounded load test of the local API, run only when asked: TERN_API_LOAD=1 npx vitest run
 * test/unit/api/load.test.ts. N concurrent streaming clients (TERN_API_LOAD_N, default 8) for T
 * seconds (TERN_API_LOAD_SECONDS, default 30) against the server on the loopback, over the real
 * engine and a fixture model (TERN_API_LOAD_MODEL, a .gguf; default: the tiny synth model). Every
 * response must be complete or cleanly refused, none hung; the engine's memory before and after
 * is printed (and must stay within a bound). One request in ten is dropped mid-stream by its client.
 * Against a server already running (tern serve --api): TERN_API_LOAD_URL=http://127.0.0.1:4311/v1
 * TERN_API_LOAD_KEY=<key> TERN_API_LOAD_MODEL_ID=<id>, and TERN_API_LOAD_PID=<engine pid> for its memory.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiService, type ApiServiceDeps } from '../../../electron/services/api/service';
import { forkLauncher } from '../../../electron/services/engine-host/host';
import { type Services, openServices } from '../../../electron/services/services';
import { built, synthChatModel, workerPath } from '../engine-host/helpers';

const N = Number(process.env.TERN_API_LOAD_N ?? 8);
const SECONDS = Number(process.env.TERN_API_LOAD_SECONDS ?? 30);
/** A request with no byte for this long counts as hung (and is dropped). */
const HUNG_MS = 30_000;

type Outcome = 'completed' | 'refused' | 'dropped' | 'hung' | 'failed';

interface Tally {
  outcomes: Record<Outcome, number>;
  statuses: Record<string, number>;
  tokens: number;
  ttftMs: number[];
  failures: string[];
}

let root = '';
let services: Services | null = null;
let api: ApiService | null = null;

afterAll(async () => {
  await api?.close();
  await services?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function oneRequest(base: string, key: string, model: string, tally: Tally, drop: boolean, end: number): Promise<void> {
  const controller = new AbortController();
  let watchdog: NodeJS.Timeout | null = null;
  let hung = false;
  const arm = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      hung = true;
      controller.abort();
    }, HUNG_MS);
  };
  const started = performance.now();
  arm();
  try {
    const response = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: `Write a story about load number ${Math.random()}.` }],
        max_tokens: 16 + Math.floor(Math.random() * 240),
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    tally.statuses[response.status] = (tally.statuses[response.status] ?? 0) + 1;
    if (response.status !== 200) {
      const body = (await response.json()) as { error?: { code?: string } };
      if ((response.status === 429 || response.status === 503) && body.error?.code) {
        tally.outcomes.refused++;
        // a refused client waits as told (bounded by the test's end), as a real one would
        const wait = Math.min(Number(response.headers.get('retry-after') ?? 1) * 1000, Math.max(0, end - Date.now()));
        await new Promise((resolve) => setTimeout(resolve, wait));
      } else {
        tally.outcomes.failed++;
        tally.failures.push(`${response.status} ${JSON.stringify(body)}`);
      }
      return;
    }
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    let first = true;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arm();
      text += decoder.decode(value, { stream: true });
      if (first && /"delta":\{"content":"[^"]/.test(text)) {
        first = false;
        tally.ttftMs.push(performance.now() - started);
      }
      chunks++;
      if (drop && chunks === 3) {
        controller.abort();
        tally.outcomes.dropped++;
        return;
      }
    }
    const events = text.split('\n\n').filter(Boolean);
    const last = events[events.length - 1];
    const usage = events.map((e) => JSON.parse(e.slice(6) === '[DONE]' ? 'null' : e.slice(6)) as { usage?: { completion_tokens: number } } | null).find((e) => e?.usage)?.usage;
    if (last === 'data: [DONE]' && usage && text.includes('"finish_reason":"')) {
      tally.outcomes.completed++;
      tally.tokens += usage.completion_tokens;
    } else {
      tally.outcomes.failed++;
      tally.failures.push(`incomplete stream: ${text.slice(-200)}`);
    }
  } catch (error) {
    if (hung) tally.outcomes.hung++;
    else if (!(drop && controller.signal.aborted)) {
      tally.outcomes.failed++;
      tally.failures.push(String(error));
    }
  } finally {
    if (watchdog) clearTimeout(watchdog);
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe.runIf(built && process.env.TERN_API_LOAD === '1')('local API load test', () => {
  it(`${N} streaming clients for ${SECONDS} s: all complete or cleanly refused, none hung, memory flat`, async () => {
    let address: string;
    let key: string;
    let model: string;
    let rss: () => Promise<number>;
    const external = process.env.TERN_API_LOAD_URL;
    if (external) {
      address = external;
      key = process.env.TERN_API_LOAD_KEY ?? '';
      model = process.env.TERN_API_LOAD_MODEL_ID ?? '';
      const pid = process.env.TERN_API_LOAD_PID;
      rss = async () => (pid ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024 : 0);
    } else {
      root = mkdtempSync(join(tmpdir(), 'tern-api-load-'));
      mkdirSync(join(root, 'data', 'models'), { recursive: true });
      const source = process.env.TERN_API_LOAD_MODEL;
      const file = join(root, 'data', 'models', source ? basename(source) : 'tiny.gguf');
      if (source) copyFileSync(source, file);
      else await synthChatModel(file);
      const opened = openServices({ dataDir: join(root, 'data'), host: 'headless', owner: 'api load test', launchEngine: forkLauncher(workerPath) });
      services = opened;
      await opened.library.scan();
      const repository = (opened.settings as unknown as { repository: ApiServiceDeps['store']['settings'] }).repository;
      api = new ApiService({
        dataDir: opened.dataDir,
        store: { settings: repository },
        events: { emit: () => undefined },
        engine: opened.engine,
        library: opened.library,
        settings: opened.settings,
        tuning: opened.tuning,
        telemetry: opened.telemetry,
        override: { on: true, port: 0 },
      });
      await api.start();
      address = api.status().address!;
      key = api.status().key!;
      model = basename(file).replace(/\.gguf$/, '');
      rss = async () => (await opened.engine.usage()).rssBytes;
    }
    const tally: Tally = { outcomes: { completed: 0, refused: 0, dropped: 0, hung: 0, failed: 0 }, statuses: {}, tokens: 0, ttftMs: [], failures: [] };

    // warm up: the model loaded, one answer, then the baseline
    await oneRequest(address, key, model, { ...tally, outcomes: { ...tally.outcomes }, statuses: {}, ttftMs: [], failures: [] }, false, Date.now());
    const before = await rss();
    const mainBefore = process.memoryUsage().rss;
    const timeline: { at: number; bytes: number }[] = [];
    const t0 = Date.now();
    const sampler = setInterval(() => {
      void rss().then((bytes) => timeline.push({ at: Date.now() - t0, bytes }), () => undefined);
    }, 500);

    const end = Date.now() + SECONDS * 1000;
    let sent = 0;
    await Promise.all(
      Array.from({ length: N }, async () => {
        while (Date.now() < end) await oneRequest(address, key, model, tally, ++sent % 10 === 0, end);
      }),
    );
    clearInterval(sampler);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await rss();
    const mainAfter = process.memoryUsage().rss;
    const peak = Math.max(before, ...timeline.map((t) => t.bytes));
    const quarter = timeline.find((t) => t.at >= (SECONDS * 1000) / 4)?.bytes ?? before;
    const status = api?.status() ?? { active: 0, queued: 0, served: -1 };
    const pending = services?.engine.status().pending ?? 0;
    const report = [
      `api load: ${N} clients, ${SECONDS} s, model ${model}`,
      `  requests ${sent}: ${JSON.stringify(tally.outcomes)}; HTTP statuses ${JSON.stringify(tally.statuses)}`,
      `  completion tokens ${tally.tokens} (${(tally.tokens / SECONDS).toFixed(0)}/s); time to first token p50 ${percentile(tally.ttftMs, 50).toFixed(0)} ms, p95 ${percentile(tally.ttftMs, 95).toFixed(0)} ms`,
      `  engine RSS before ${mb(before)}, at a quarter of the run ${mb(quarter)}, peak ${mb(peak)}, after ${mb(after)}; ` +
        `test process (server + clients) RSS before ${mb(mainBefore)}, after ${mb(mainAfter)}`,
      `  after: engine pending ${pending}, API active ${status.active}, queued ${status.queued}, served ${status.served}`,
      ...tally.failures.slice(0, 5).map((f) => `  failure: ${f}`),
    ].join('\n');
    console.log(report);
    console.log(`  engine RSS timeline (s: MB): ${timeline.filter((_, i) => i % 4 === 0).map((t) => `${(t.at / 1000).toFixed(0)}: ${(t.bytes / 1048576).toFixed(0)}`).join(', ')}`);
    expect(tally.outcomes.hung).toBe(0);
    expect(tally.outcomes.failed).toBe(0);
    expect(tally.outcomes.completed).toBeGreaterThan(0);
    expect(pending).toBe(0);
    expect(status.active + status.queued).toBe(0);
    // flat: what the engine holds once the load is under way does not keep growing
    expect(after - quarter).toBeLessThan(32 * 1024 * 1024);
  }, (SECONDS + 120) * 1000);
});

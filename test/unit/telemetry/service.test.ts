/**
 * The telemetry service on a fake engine, a fake powercap folder and clocks the test moves: the
 * measured tier's idle baseline comes from the two reads around the idle gap before a request
 * (none in between), and is subtracted from the request's energy; a load in the gap spoils it;
 * the modelled tier follows the engine's CPU time; nothing is read while the engine is idle.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, Readouts } from '../../../electron/common/contract';
import type { EngineHostStatus, EngineUsage } from '../../../electron/services/engine-host/types';
import type { GenerateResult, TokenEvent } from '../../../electron/services/native';
import { EnergyTiers } from '../../../electron/services/telemetry/energy/tiers';
import { TelemetryService } from '../../../electron/services/telemetry/service';
import { type TempStore, createTempStore } from '../store/temp-store';
import { LAPTOP, makeTempDir, removeDir, setEnergy, writePowercap } from './fake-powercap';

let temp: TempStore;
let powercap: string;
let clock: number;
let engineCpuMs: number;
let usageCalls: number;
let status: (s: EngineHostStatus) => void;
let emitted: { name: EventName; payload: EventPayload<EventName> }[];
let telemetry: TelemetryService;

function usage(): EngineUsage {
  return { pid: 7, cpuMs: engineCpuMs, rssBytes: 500e6, baseRssBytes: 50e6, modelBytes: null, energy: null };
}

/** Sets the package counter to this many joules. */
function packageJoules(joules: number): void {
  setEnergy(powercap, 'intel-rapl:0', Math.round(joules * 1e6));
}

function open(platform: NodeJS.Platform = 'linux'): TelemetryService {
  return new TelemetryService({
    store: temp.store,
    events: { emit: (name, payload) => emitted.push({ name, payload }) },
    engine: {
      usage: async () => {
        usageCalls += 1;
        return usage();
      },
      loaded: () => ({ description: { memory: { total: 400e6 } } }) as never,
      onStatus: (listener) => {
        status = listener;
        return () => undefined;
      },
    },
    energy: new EnergyTiers({ platform, cpuName: 'Intel(R) Core(TM) i7-1165G7 @ 2.80GHz', hardwareThreads: 8, userWatts: null, powercapRoot: powercap }),
    hardwareThreads: 8,
    sampleIntervalMs: 60_000,
    clock: () => clock,
    now: () => 1_800_000_000_000 + clock,
  });
}

const result = (generated: number): GenerateResult =>
  ({
    promptTokens: 10,
    promptTokensReused: 0,
    promptTokensComputed: 10,
    generatedTokens: generated,
    ttftMs: 100,
    prefillMs: 100,
    decodeMs: 1900,
    totalMs: 2000,
    prefillTokensPerSecond: 100,
    decodeTokensPerSecond: 10,
    draftedTokens: 0,
    draftTokensAccepted: 0,
    stopReason: 'eog',
    ids: [],
    text: '',
  }) satisfies GenerateResult;

const token = (index: number, ms: number, elapsedMs: number): TokenEvent => ({ id: 100 + index, index, text: 'x', ms, elapsedMs });

/** Lets the service's file reads (the thread pool's) and engine calls settle. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}

beforeEach(() => {
  temp = createTempStore();
  powercap = makeTempDir();
  writePowercap(powercap, LAPTOP);
  clock = 0;
  engineCpuMs = 0;
  usageCalls = 0;
  emitted = [];
  packageJoules(1000);
});

afterEach(() => {
  telemetry.close();
  temp.cleanup();
  removeDir(powercap);
});

describe('the measured tier', () => {
  it('subtracts the idle power measured over the gap before the request', async () => {
    telemetry = open();
    await telemetry.init();
    await settle(); // the read that starts the first idle gap: t = 0 s, 1000 J

    clock = 10_000;
    packageJoules(1030); // 3 W while idle
    const tracker = telemetry.track({ conversationId: null, messageId: null, source: 'api', modelId: 'm', modelName: 'm' });
    tracker.onStart(4);
    await settle();
    expect(telemetry.state().energy).toMatchObject({ source: 'measured', idleWatts: 3 });

    tracker.onToken(token(0, 100, 100));
    tracker.onToken(token(1, 50, 150));
    clock = 12_000;
    packageJoules(1070); // 40 J in 2 s: 20 W, of which 3 W is the idle machine
    const metrics = await tracker.end(result(2), 'complete');
    expect(metrics).toMatchObject({ energySource: 'measured', durationMs: 2000 });
    expect(metrics!.energyJoules).toBeCloseTo(40 - 3 * 2, 9);
    expect(metrics!.joulesPerToken).toBeCloseTo(17, 9);
    expect(metrics!.powerWatts).toBeCloseTo(17, 9);
    expect(metrics!.memoryExpectedBytes).toBe(450e6);
    const done = emitted.filter((e) => e.name === 'readouts').map((e) => e.payload as Readouts);
    expect(done[done.length - 1]).toMatchObject({ phase: 'done', energySource: 'measured', tokens: 2 });
  });

  it('a model load in the gap ends it: the baseline measured before is kept', async () => {
    telemetry = open();
    await telemetry.init();
    await settle();
    clock = 10_000;
    packageJoules(1020); // 2 W idle
    const first = telemetry.track({ conversationId: null, messageId: null, source: 'ui', modelId: 'm', modelName: 'm' });
    first.onStart(4);
    await settle();
    clock = 11_000;
    packageJoules(1040);
    await first.end(result(1), 'complete');
    await settle();

    // Idle from 11 s, then a load from 20 s to 30 s at 40 W, then the request at 30.5 s.
    clock = 20_000;
    packageJoules(1058); // 2 W still
    status({ state: 'loading', modelKey: 'm', progress: 0, error: null, pending: 0 });
    await settle();
    clock = 30_000;
    packageJoules(1458);
    status({ state: 'ready', modelKey: 'm', progress: null, error: null, pending: 0 });
    await settle();
    clock = 30_500;
    packageJoules(1459); // 2 W over the half second after the load: too short a gap to average
    const second = telemetry.track({ conversationId: null, messageId: null, source: 'ui', modelId: 'm', modelName: 'm' });
    second.onStart(4);
    await settle();
    expect(telemetry.state().energy.idleWatts).toBeCloseTo(2, 9);
    clock = 31_500;
    packageJoules(1479);
    const metrics = await second.end(result(4), 'complete');
    expect(metrics!.energyJoules).toBeCloseTo(20 - 2, 9);
  });
});

describe('the modelled tier', () => {
  it("follows the engine's CPU time: 50% of the CPU's rated power shared by its threads", async () => {
    telemetry = open('darwin'); // no powercap looked for; the fake engine gives no OS counter
    await telemetry.init();
    const tracker = telemetry.track({ conversationId: 'c', messageId: null, source: 'ui', modelId: 'm', modelName: 'm' });
    tracker.onStart(4);
    await settle();
    clock = 2000;
    engineCpuMs = 8000; // 4 threads busy for 2 s
    const metrics = await tracker.end(result(20), 'complete');
    // i7-1165G7: 15 W, 8 threads: 0.9375 W per busy thread; 8 CPU-seconds.
    expect(metrics).toMatchObject({ energySource: 'modelled', cpuPercent: 100 });
    expect(metrics!.energyJoules).toBeCloseTo(8 * 0.9375, 9);
    expect(telemetry.state().energy).toMatchObject({ source: 'modelled', cpuWatts: 15, cpuWattsFrom: 'table' });
  });
});

describe('sampling', () => {
  it('reads the engine only for a request: none at start, none while idle', async () => {
    telemetry = open();
    await telemetry.init();
    await settle();
    clock = 600_000;
    await settle();
    expect(usageCalls).toBe(0);
    expect(telemetry.state().sampler).toMatchObject({ active: false, samples: 0 });
    const tracker = telemetry.track({ conversationId: null, messageId: null, source: 'ui', modelId: 'm', modelName: 'm' });
    tracker.onStart(2);
    await settle();
    expect(telemetry.state().sampler.active).toBe(true);
    await tracker.end(result(1), 'complete');
    expect(usageCalls).toBe(2);
    expect(telemetry.state().sampler).toMatchObject({ active: false, samples: 2 });
  });

  it('a request that failed before the engine started on it still counts for the error rate', async () => {
    telemetry = open();
    await telemetry.init();
    const failed = telemetry.track({ conversationId: null, messageId: null, source: 'ui', modelId: 'm', modelName: 'm' });
    expect(await failed.end(null, 'error')).toMatchObject({ status: 'error', energyJoules: null, generatedTokens: null });
    const stopped = telemetry.track({ conversationId: null, messageId: null, source: 'ui', modelId: 'm', modelName: 'm' });
    expect(await stopped.end(null, 'interrupted')).toBeNull();
    expect(telemetry.listMetrics(10).map((m) => m.status)).toEqual(['error']);
    expect(usageCalls).toBe(0);
  });
});

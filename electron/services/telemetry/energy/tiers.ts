/**
 * Which energy tier this machine gives, and the counter each request reads:
 *
 * - measured: a CPU package's meter (Linux RAPL through powercap; Windows' Energy Meter
 *   Interface, read by the engine process). It counts everything the package does, so the
 *   telemetry subtracts the idle baseline.
 * - os-estimate: the OS's own estimate for the engine process (macOS ri_energy_nj).
 * - modelled: the engine's CPU time times one hardware thread's share of the CPU's power.
 *
 * Every counter is cumulative, in J; a request's energy is the difference of two reads.
 */
import type { EnergySource, EnergyStatus } from '../../../common/contract';
import type { EngineUsage } from '../../engine-host/types';
import { type CpuPower, FULL_LOAD_SHARE, cpuPowerFor, wattsPerThread } from './cpu-power';
import { POWERCAP_HOWTO, PowercapCounter, type PowercapFiles, type PowercapProbe, probePowercap } from './powercap';

/** A package's power is taken to stay under this when judging whether a counter may have wrapped twice, in W. */
const MAX_PACKAGE_WATTS = 400;

export interface EnergyCounter {
  readonly source: EnergySource;
  /** Tells counters apart: a baseline or a difference is only taken between reads of one counter. */
  readonly key: string;
  /** A package-wide counter counts what the rest of the machine does too: subtract the idle baseline. */
  readonly subtractIdle: boolean;
  /** The longest time between two reads whose difference can be trusted, in ms. */
  readonly trustGapMs: number;
  /** Joules so far; `usage` is the engine's reading taken at the same moment (null: none). Null: not readable now. */
  read(usage: EngineUsage | null): Promise<number | null>;
}

export interface EnergyTiersOptions {
  platform: NodeJS.Platform;
  cpuName: string;
  /** The machine's hardware threads (logical cores). */
  hardwareThreads: number;
  /** The CPU power the user entered, in W; null: the table's or the default. */
  userWatts: number | null;
  powercapRoot?: string;
  powercapFiles?: PowercapFiles;
}

export class EnergyTiers {
  private probe: PowercapProbe | null = null;
  private powercap: PowercapCounter | null = null;
  private power: CpuPower;
  /** The engine's own counter, once an engine reading has shown one. */
  private engineScope: 'package' | 'process' | null = null;

  constructor(private readonly options: EnergyTiersOptions) {
    this.power = cpuPowerFor(options.cpuName, options.userWatts);
  }

  /** Looks for the measured tier (Linux powercap); call once before the first request. */
  async init(): Promise<void> {
    if (this.options.platform !== 'linux') return;
    this.probe = await probePowercap(this.options.powercapRoot, this.options.powercapFiles);
    if (this.probe.ok) this.powercap = new PowercapCounter(this.probe.zones, this.options.powercapFiles);
  }

  setUserWatts(watts: number | null): void {
    this.options.userWatts = watts;
    this.power = cpuPowerFor(this.options.cpuName, watts);
  }

  /** The counter for a request that starts now, given the engine's reading at its start. */
  counterFor(usage: EngineUsage): EnergyCounter {
    if (this.powercap) return this.powercapCounter(this.powercap);
    if (usage.energy) {
      this.engineScope = usage.energy.scope;
      return engineCounter(usage.energy.scope, usage.pid);
    }
    return this.modelledCounter(usage.pid);
  }

  /** The measured tier's counter when there is one that needs no engine reading (Linux), else null. */
  packageCounter(): EnergyCounter | null {
    return this.powercap ? this.powercapCounter(this.powercap) : null;
  }

  status(idleWatts: number | null): EnergyStatus {
    const base = { cpuName: this.options.cpuName, idleWatts: null, cpuWatts: null, cpuWattsFrom: null, howTo: null };
    if (this.powercap) {
      const names = this.powercap.zones.map((z) => z.name).join(', ');
      return {
        ...base,
        source: 'measured',
        detail: `RAPL ${names} (Linux powercap), less the idle power measured before each request.`,
        unavailable: null,
        idleWatts,
      };
    }
    if (this.engineScope === 'package') {
      return {
        ...base,
        source: 'measured',
        detail: 'The CPU package energy meter (Windows Energy Meter Interface), less the idle power measured before each request.',
        unavailable: null,
        idleWatts,
      };
    }
    if (this.engineScope === 'process') {
      return { ...base, source: 'os-estimate', detail: "macOS's own energy estimate for the engine process.", unavailable: null };
    }
    const probe = this.probe;
    const unavailable =
      probe && !probe.ok
        ? probe.message
        : this.options.platform === 'linux'
          ? null
          : 'No energy meter of the OS has answered yet; it is looked for when the engine runs.';
    const { watts, from, family } = this.power;
    const whose = from === 'user' ? 'the power you entered' : from === 'table' ? `${family}'s rated power` : 'a default for an unknown CPU';
    return {
      ...base,
      source: 'modelled',
      detail:
        `The engine's CPU time × ${Math.round(FULL_LOAD_SHARE * 100)}% of ${watts} W (${whose}) shared by ` +
        `${this.options.hardwareThreads} hardware threads: ${wattsPerThread(this.power, this.options.hardwareThreads).toFixed(2)} W per busy thread.`,
      unavailable,
      howTo: probe && !probe.ok && probe.reason === 'permission' ? POWERCAP_HOWTO : null,
      cpuWatts: watts,
      cpuWattsFrom: from,
    };
  }

  private powercapCounter(counter: PowercapCounter): EnergyCounter {
    return {
      source: 'measured',
      key: 'powercap',
      subtractIdle: true,
      trustGapMs: counter.unambiguousMs(MAX_PACKAGE_WATTS),
      read: () => counter.read(),
    };
  }

  private modelledCounter(pid: number): EnergyCounter {
    const perThread = wattsPerThread(this.power, this.options.hardwareThreads);
    return {
      source: 'modelled',
      key: `modelled:${pid}:${perThread}`,
      subtractIdle: false,
      trustGapMs: Number.POSITIVE_INFINITY,
      read: async (usage) => (usage?.pid === pid ? (usage.cpuMs / 1000) * perThread : null),
    };
  }
}

function engineCounter(scope: 'package' | 'process', pid: number): EnergyCounter {
  return {
    source: scope === 'package' ? 'measured' : 'os-estimate',
    key: `engine:${scope}:${pid}`,
    subtractIdle: scope === 'package',
    trustGapMs: Number.POSITIVE_INFINITY,
    read: async (usage) => (usage?.pid === pid && usage.energy?.scope === scope ? usage.energy.joules : null),
  };
}

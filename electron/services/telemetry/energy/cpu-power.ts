/**
 * The CPU's rated power (TDP) for the modelled energy tier: a table of common CPU families by
 * the name the OS gives, a value the user enters, or a default for CPUs not in the table.
 *
 * The model (as CodeCarbon's fallback, ../shared/BITNET.md): the package draws 50% of its TDP
 * with every hardware thread busy, shared evenly between the threads; the engine's energy is its
 * CPU time times one thread's share. A rough figure, and always labelled "modelled".
 */

export interface CpuPower {
  /** Rated power (TDP), in W. */
  watts: number;
  /** Where it comes from. */
  from: 'table' | 'user' | 'default';
  /** The table entry's family, in words (for the detail line); null when not from the table. */
  family: string | null;
}

/** CodeCarbon's figure for a CPU it does not know, in W. */
export const DEFAULT_CPU_WATTS = 85;

/** The share of TDP drawn with every thread busy. */
export const FULL_LOAD_SHARE = 0.5;

interface Entry {
  pattern: RegExp;
  family: string;
  watts: number;
}

// Rated base power of each family's usual parts (the makers' specification pages); the first
// match wins, so the narrower patterns come first.
const TABLE: readonly Entry[] = [
  // Apple silicon publishes no TDP: the figures are the package's typical sustained power.
  { pattern: /Apple M\d+ (Max|Ultra)/i, family: 'Apple M Max/Ultra', watts: 40 },
  { pattern: /Apple M\d+ Pro/i, family: 'Apple M Pro', watts: 30 },
  { pattern: /Apple M\d+/i, family: 'Apple M', watts: 20 },
  // Intel Core Ultra: V (Lunar Lake) 17 W, U 15 W, H 28 W, HX 55 W, desktop K 125 W, else 65 W.
  { pattern: /Core\(TM\) Ultra \d+ \d{3}V\b|Core Ultra \d+ \d{3}V\b/i, family: 'Intel Core Ultra V', watts: 17 },
  { pattern: /Ultra \d+ \d{3}U\b/i, family: 'Intel Core Ultra U', watts: 15 },
  { pattern: /Ultra \d+ \d{3}HX\b/i, family: 'Intel Core Ultra HX', watts: 55 },
  { pattern: /Ultra \d+ \d{3}H\b/i, family: 'Intel Core Ultra H', watts: 28 },
  { pattern: /Ultra \d+ \d{3}K/i, family: 'Intel Core Ultra desktop K', watts: 125 },
  { pattern: /Ultra \d+ \d{3}\b/i, family: 'Intel Core Ultra desktop', watts: 65 },
  // Intel Core i3/i5/i7/i9 by suffix.
  { pattern: /Core\(TM\) i\d-\d{4,5}(G\d)?U\b|Core i\d-\d{4,5}(G\d)?U\b/i, family: 'Intel Core U (mobile)', watts: 15 },
  { pattern: /i\d-\d{4,5}P\b/i, family: 'Intel Core P (mobile)', watts: 28 },
  { pattern: /i\d-\d{4,5}HX\b/i, family: 'Intel Core HX (mobile)', watts: 55 },
  { pattern: /i\d-\d{4,5}H[KS]?\b/i, family: 'Intel Core H (mobile)', watts: 45 },
  { pattern: /i\d-\d{4,5}(G\d)\b/i, family: 'Intel Core G (mobile)', watts: 15 },
  { pattern: /i\d-\d{4,5}T\b/i, family: 'Intel Core T (desktop)', watts: 35 },
  { pattern: /i\d-\d{4,5}KS?F?\b/i, family: 'Intel Core K (desktop)', watts: 125 },
  { pattern: /i\d-\d{4,5}F?\b/i, family: 'Intel Core (desktop)', watts: 65 },
  // AMD Ryzen by suffix.
  { pattern: /Ryzen \d+ (PRO )?\d{4}U\b/i, family: 'AMD Ryzen U (mobile)', watts: 15 },
  { pattern: /Ryzen (AI )?\d+ (PRO )?(HX )?\d{3,4}HX\b/i, family: 'AMD Ryzen HX (mobile)', watts: 55 },
  { pattern: /Ryzen \d+ (PRO )?\d{4}H[S]\b/i, family: 'AMD Ryzen HS (mobile)', watts: 35 },
  { pattern: /Ryzen \d+ (PRO )?\d{4}H\b/i, family: 'AMD Ryzen H (mobile)', watts: 45 },
  { pattern: /Ryzen AI \d+/i, family: 'AMD Ryzen AI (mobile)', watts: 28 },
  { pattern: /Ryzen Threadripper/i, family: 'AMD Ryzen Threadripper', watts: 280 },
  { pattern: /Ryzen \d+ (PRO )?\d{4}X3D\b/i, family: 'AMD Ryzen X3D (desktop)', watts: 120 },
  { pattern: /Ryzen \d+ (PRO )?\d{4}X\b/i, family: 'AMD Ryzen X (desktop)', watts: 105 },
  { pattern: /Ryzen \d+ (PRO )?\d{4}(G|GE|E)?\b/i, family: 'AMD Ryzen (desktop)', watts: 65 },
  // Small boards.
  { pattern: /Cortex-A76/i, family: 'Arm Cortex-A76 board (Raspberry Pi 5 class)', watts: 8 },
  { pattern: /Cortex-A72/i, family: 'Arm Cortex-A72 board (Raspberry Pi 4 class)', watts: 6 },
];

/** The CPU's power: the user's value, else the table's, else the default. */
export function cpuPowerFor(cpuName: string, userWatts: number | null): CpuPower {
  if (userWatts !== null) return { watts: userWatts, from: 'user', family: null };
  const entry = TABLE.find((e) => e.pattern.test(cpuName));
  return entry ? { watts: entry.watts, from: 'table', family: entry.family } : { watts: DEFAULT_CPU_WATTS, from: 'default', family: null };
}

/** The modelled power of one busy hardware thread, in W. */
export function wattsPerThread(power: CpuPower, hardwareThreads: number): number {
  return (power.watts * FULL_LOAD_SHARE) / Math.max(1, hardwareThreads);
}

import type { EnergySource } from '../lib/contract';
import { ENERGY_SOURCE_WORDS } from '../lib/format';

/** Where an energy figure comes from, in words beside it: "measured", "OS estimate" or "modelled". */
export function EnergySourceBadge({ source }: { source: EnergySource | null }) {
  if (!source) return null;
  return <span className={`energy-source energy-source-${source}`}>{ENERGY_SOURCE_WORDS[source]}</span>;
}

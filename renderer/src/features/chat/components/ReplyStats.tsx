import { EnergySourceBadge } from '../../../components/EnergySourceBadge';
import type { Message } from '../../../lib/contract';
import { formatReplyStats } from '../../../lib/format';

/**
 * "42 tokens · 180 ms to first token · 31.2 tok/s · 4 threads · bitnet-2b.gguf · 1.23 J · 0.041 J/token
 * [modelled]" under a reply: the energy's source said beside it.
 */
export function ReplyStats({ message }: { message: Message }) {
  const text = formatReplyStats(message);
  if (!text) return null;
  const { energyJoules, energySource } = message.stats;
  const hasEnergy = energyJoules !== null && energyJoules !== undefined && !!energySource;
  return (
    <p className="message-stats">
      {text}
      {hasEnergy && (
        <>
          {' '}
          <EnergySourceBadge source={energySource} />
        </>
      )}
    </p>
  );
}

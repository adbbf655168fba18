import type { Message } from '../../../lib/contract';
import { formatReplyStats } from '../../../lib/format';

/** "42 tokens · 180 ms to first token · 31.2 tok/s · 4 threads · bitnet-2b.gguf" under a reply. */
export function ReplyStats({ message }: { message: Message }) {
  const text = formatReplyStats(message);
  if (!text) return null;
  return <p className="message-stats">{text}</p>;
}

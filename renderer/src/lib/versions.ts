import type { BranchMessage, Message } from './contract';

/** A message's versions (itself and its alternatives, oldest first); just itself when not known. */
export function versionsOf(message: Message | BranchMessage): string[] {
  return 'versionIds' in message && message.versionIds.length > 0 ? message.versionIds : [message.id];
}

/** Where a message stands among its versions: "2 of 3" as numbers, with its neighbours' ids. */
export function versionPosition(message: Message | BranchMessage): {
  index: number;
  count: number;
  previousId: string | null;
  nextId: string | null;
} {
  const ids = versionsOf(message);
  const found = ids.indexOf(message.id);
  const index = found < 0 ? ids.length - 1 : found;
  return { index, count: ids.length, previousId: ids[index - 1] ?? null, nextId: ids[index + 1] ?? null };
}

/**
 * The IPC channel names, one per contract call and one per event. The preload invokes and
 * listens on them; main handles and sends on them. Nothing else is ever sent over IPC.
 */
import type { CallName, EventName } from '../common/contract';

export type CallChannel = `tern:${CallName}`;
export type EventChannel = `tern:event:${EventName}`;

export function callChannel(name: CallName): CallChannel {
  return `tern:${name}`;
}

export function eventChannel(name: EventName): EventChannel {
  return `tern:event:${name}`;
}

/**
 * The messages of every loaded conversation, as a pure reducer over typed actions: lists loaded
 * from the host, the user's message shown before the host has it, and the reply streaming in
 * (started → delta… → finished). Each message shown carries its versions (itself and its
 * alternatives, oldest first); a new version (regenerated reply, edited prompt) takes the place
 * of the one shown and cuts the branch after it. The host's list, loaded after a change of
 * branch, is authoritative. No React, no store, no API: tested on its own.
 */
import type { BranchMessage, ChatStreamEvent, Message, SendResult } from '../lib/contract';
import { NO_STATS } from '../lib/stats';
import type { ConversationMessages } from './slices/chat';

export type MessagesByConversation = Record<string, ConversationMessages>;

export type ChatAction =
  | { type: 'loading'; conversationId: string }
  | { type: 'loaded'; conversationId: string; messages: BranchMessage[] }
  | { type: 'loadFailed'; conversationId: string; error: string }
  /** A host event: a reply started, grew, or ended. */
  | { type: 'stream'; event: ChatStreamEvent }
  /** The user's message, shown at once while sendMessage is on its way (id: pendingMessageId). */
  | { type: 'sendPending'; message: Message }
  | { type: 'sendAccepted'; requestId: string; result: SendResult }
  | { type: 'sendFailed'; conversationId: string; requestId: string }
  /** Continue pressed: the reply shows as streaming again until the host says otherwise. */
  | { type: 'continuePending'; message: Message }
  | { type: 'continueAccepted'; message: Message }
  /** continueReply failed: the reply goes back to what it was, unless the host moved it on. */
  | { type: 'continueFailed'; message: Message }
  /** regenerateReply answered: the new version takes the place of the reply shown. */
  | { type: 'regenerateAccepted'; message: Message }
  /**
   * An edited user message, shown at once in place of the one edited (which stays reachable as
   * a version), with everything after it cut: the new branch starts there.
   */
  | { type: 'editPending'; editedId: string; message: Message }
  | { type: 'editAccepted'; requestId: string; result: SendResult }
  /** editMessage failed: the branch as it was before (`previous`) comes back. */
  | { type: 'editFailed'; conversationId: string; requestId: string; previous: BranchMessage[] }
  | { type: 'forget'; conversationId: string };

/** The id the optimistic user message carries until the host answers with the stored one. */
export function pendingMessageId(requestId: string): string {
  return `pending:${requestId}`;
}

export function isPendingMessage(message: Message): boolean {
  return message.id.startsWith('pending:');
}

/** The user's message as shown before the host has stored it. */
export function pendingUserMessage(options: {
  requestId: string;
  conversationId: string;
  text: string;
  parentId: string | null;
  createdAt: number;
}): Message {
  return {
    id: pendingMessageId(options.requestId),
    conversationId: options.conversationId,
    parentId: options.parentId,
    role: 'user',
    content: options.text,
    status: 'complete',
    createdAt: options.createdAt,
    modelId: null,
    modelName: null,
    note: null,
    stats: NO_STATS,
  };
}

export function chatReducer(state: MessagesByConversation, action: ChatAction): MessagesByConversation {
  switch (action.type) {
    case 'loading': {
      const current = state[action.conversationId];
      return {
        ...state,
        [action.conversationId]: { items: current?.items ?? [], error: null, status: current ? current.status : 'loading' },
      };
    }
    case 'loaded': {
      const current = state[action.conversationId]?.items ?? [];
      return { ...state, [action.conversationId]: { items: mergeLoaded(current, action.messages), status: 'ready', error: null } };
    }
    case 'loadFailed': {
      const current = state[action.conversationId];
      return { ...state, [action.conversationId]: { items: current?.items ?? [], status: 'error', error: action.error } };
    }
    case 'stream':
      return applyStreamEvent(state, action.event);
    case 'sendPending':
      return update(state, action.message.conversationId, (items) => [...items, single(action.message)]);
    case 'sendAccepted':
    case 'editAccepted':
      return update(state, action.result.userMessage.conversationId, (items) => accept(items, action.requestId, action.result));
    case 'sendFailed': {
      const pendingId = pendingMessageId(action.requestId);
      return update(state, action.conversationId, (items) => items.filter((m) => m.id !== pendingId));
    }
    case 'continuePending': {
      const streaming: Message = { ...action.message, status: 'streaming', note: null };
      return update(state, action.message.conversationId, (items) => replace(items, streaming));
    }
    case 'continueAccepted':
      // Stream events are at least as fresh as the call's answer: it only fills a gap.
      return update(state, action.message.conversationId, (items) => insertIfAbsent(items, action.message));
    case 'regenerateAccepted':
      return update(state, action.message.conversationId, (items) =>
        items.some((m) => m.id === action.message.id) ? items : place(items, action.message),
      );
    case 'editPending':
      return update(state, action.message.conversationId, (items) => {
        const at = items.findIndex((m) => m.id === action.editedId);
        const edited = items[at];
        if (!edited) return items;
        const shown: BranchMessage = { ...action.message, versionIds: [...edited.versionIds, action.message.id] };
        return [...items.slice(0, at), shown];
      });
    case 'editFailed': {
      const pendingId = pendingMessageId(action.requestId);
      return update(state, action.conversationId, (items) =>
        items.some((m) => m.id === pendingId) ? action.previous : items,
      );
    }
    case 'continueFailed': {
      const original = action.message;
      return update(state, original.conversationId, (items) => {
        const current = items.find((m) => m.id === original.id);
        if (!current || current.status !== 'streaming' || current.content !== original.content) return items;
        return replace(items, original);
      });
    }
    case 'forget': {
      if (!(action.conversationId in state)) return state;
      const next = { ...state };
      delete next[action.conversationId];
      return next;
    }
  }
}

function applyStreamEvent(state: MessagesByConversation, event: ChatStreamEvent): MessagesByConversation {
  switch (event.type) {
    case 'started':
      return update(state, event.conversationId, (items) => place(items, event.message));
    case 'finished':
      return update(state, event.conversationId, (items) => finish(items, event.message));
    case 'delta':
      return update(state, event.conversationId, (items) => {
        const at = items.findIndex((m) => m.id === event.messageId);
        const message = items[at];
        // Text for a reply that already finished (or that this list never saw) is dropped, and
        // so is text past a gap (the next list or the finished event brings it).
        if (!message || message.status !== 'streaming' || event.offset > message.content.length) return items;
        const grown: BranchMessage = {
          ...message,
          content: message.content.slice(0, event.offset) + event.text,
          stats: { ...message.stats, generatedTokens: event.tokens },
        };
        return [...items.slice(0, at), grown, ...items.slice(at + 1)];
      });
  }
}

/**
 * The host's list replaces ours, with two exceptions. A reply the host still calls streaming
 * keeps our copy when ours has more of the same text (deltas can overtake a list's answer); the
 * host lists a streaming reply with exactly the text its deltas carried so far. And the user's
 * message still on its way stays at the end (unless the host's list already ends with it).
 */
function mergeLoaded(current: BranchMessage[], loaded: BranchMessage[]): BranchMessage[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  const merged = loaded.map((message) => {
    const ours = byId.get(message.id);
    const oursIsAhead =
      message.status === 'streaming' &&
      ours?.status === 'streaming' &&
      ours.content.length > message.content.length &&
      ours.content.startsWith(message.content);
    return oursIsAhead ? { ...ours, versionIds: message.versionIds } : message;
  });
  const lastUser = [...loaded].reverse().find((m) => m.role === 'user');
  const pending = current.filter((m) => isPendingMessage(m) && m.content !== lastUser?.content);
  return pending.length ? [...merged, ...pending] : merged;
}

/** Changes one conversation's list; a conversation not loaded here is left alone. */
function update(
  state: MessagesByConversation,
  conversationId: string,
  change: (items: BranchMessage[]) => BranchMessage[],
): MessagesByConversation {
  const current = state[conversationId];
  if (!current) return state;
  const items = change(current.items);
  if (items === current.items) return state;
  return { ...state, [conversationId]: { ...current, items } };
}

/** A message with no alternatives known (yet): its only version is itself. */
function single(message: Message): BranchMessage {
  return { ...message, versionIds: [message.id] };
}

/** The stored message in place of the one shown with its id; the versions known are kept. */
function replace(items: BranchMessage[], message: Message): BranchMessage[] {
  return items.map((m) => (m.id === message.id ? { ...message, versionIds: m.versionIds } : m));
}

function insertIfAbsent(items: BranchMessage[], message: Message): BranchMessage[] {
  return items.some((m) => m.id === message.id) ? items : [...items, single(message)];
}

/**
 * Puts a message where it belongs on the branch shown. Known: replaced. A new version of a
 * message shown (same parent, same role): takes its place, adds itself to the versions, and cuts
 * what followed the old one. A child of a message shown: the branch is cut after its parent and
 * it follows. Otherwise (its parent is still on its way, as with Send): it goes at the end.
 */
function place(items: BranchMessage[], message: Message): BranchMessage[] {
  if (items.some((m) => m.id === message.id)) return replace(items, message);
  const sibling = items.findIndex((m) => m.parentId === message.parentId && m.role === message.role);
  const old = items[sibling];
  if (old) {
    const versionIds = old.versionIds.includes(message.id) ? old.versionIds : [...old.versionIds, message.id];
    return [...items.slice(0, sibling), { ...message, versionIds }];
  }
  const parent = message.parentId === null ? -1 : items.findIndex((m) => m.id === message.parentId);
  if (parent >= 0) return [...items.slice(0, parent + 1), single(message)];
  return [...items, single(message)];
}

/** A finished reply: replaced if shown; placed if its parent is shown or on its way; else not ours. */
function finish(items: BranchMessage[], message: Message): BranchMessage[] {
  if (items.some((m) => m.id === message.id)) return replace(items, message);
  const related = items.some((m) => m.id === message.parentId || (m.parentId === message.parentId && m.role === message.role));
  const waiting = items.some(isPendingMessage);
  return related || waiting ? place(items, message) : items;
}

/**
 * The host's answer to Send or Edit: the stored user message takes the pending one's place (with
 * its versions, the pending id swapped for the stored one), and the reply follows it unless its
 * started event already put it there.
 */
function accept(items: BranchMessage[], requestId: string, result: SendResult): BranchMessage[] {
  const { userMessage, reply } = result;
  const pendingId = pendingMessageId(requestId);
  let next = items;
  if (!next.some((m) => m.id === userMessage.id)) {
    const pending = next.find((m) => m.id === pendingId);
    const versionIds = pending ? pending.versionIds.map((id) => (id === pendingId ? userMessage.id : id)) : [userMessage.id];
    const shown: BranchMessage = { ...userMessage, versionIds };
    const at = next.findIndex((m) => m.id === pendingId || m.id === reply.id);
    next = at < 0 ? [...next, shown] : [...next.slice(0, at), shown, ...next.slice(at)];
  }
  next = next.filter((m) => m.id !== pendingId);
  return insertIfAbsent(next, reply);
}

/**
 * The messages of every loaded conversation, as a pure reducer over typed actions: lists loaded
 * from the host, the user's message shown before the host has it, and the reply streaming in
 * (started → delta… → finished). No React, no store, no API: tested on its own.
 */
import type { ChatStreamEvent, Message, SendResult } from '../lib/contract';
import { NO_STATS } from '../lib/stats';
import type { ConversationMessages } from './slices/chat';

export type MessagesByConversation = Record<string, ConversationMessages>;

export type ChatAction =
  | { type: 'loading'; conversationId: string }
  | { type: 'loaded'; conversationId: string; messages: Message[] }
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
      return update(state, action.message.conversationId, (items) => [...items, action.message]);
    case 'sendAccepted': {
      const { userMessage, reply } = action.result;
      const pendingId = pendingMessageId(action.requestId);
      return update(state, userMessage.conversationId, (items) => {
        let next = items;
        if (!next.some((m) => m.id === userMessage.id)) {
          const at = next.findIndex((m) => m.id === pendingId || m.id === reply.id);
          next = at < 0 ? [...next, userMessage] : [...next.slice(0, at), userMessage, ...next.slice(at)];
        }
        next = next.filter((m) => m.id !== pendingId);
        return insertIfAbsent(next, reply);
      });
    }
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
    case 'finished':
      return update(state, event.conversationId, (items) => upsert(items, event.message));
    case 'delta':
      return update(state, event.conversationId, (items) => {
        const at = items.findIndex((m) => m.id === event.messageId);
        const message = items[at];
        // Text for a reply that already finished (or that this list never saw) is dropped, and
        // so is text past a gap (the next list or the finished event brings it).
        if (!message || message.status !== 'streaming' || event.offset > message.content.length) return items;
        const grown: Message = {
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
function mergeLoaded(current: Message[], loaded: Message[]): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  const merged = loaded.map((message) => {
    const ours = byId.get(message.id);
    const oursIsAhead =
      message.status === 'streaming' &&
      ours?.status === 'streaming' &&
      ours.content.length > message.content.length &&
      ours.content.startsWith(message.content);
    return oursIsAhead ? ours : message;
  });
  const lastUser = [...loaded].reverse().find((m) => m.role === 'user');
  const pending = current.filter((m) => isPendingMessage(m) && m.content !== lastUser?.content);
  return pending.length ? [...merged, ...pending] : merged;
}

/** Changes one conversation's list; a conversation not loaded here is left alone. */
function update(
  state: MessagesByConversation,
  conversationId: string,
  change: (items: Message[]) => Message[],
): MessagesByConversation {
  const current = state[conversationId];
  if (!current) return state;
  const items = change(current.items);
  if (items === current.items) return state;
  return { ...state, [conversationId]: { ...current, items } };
}

function upsert(items: Message[], message: Message): Message[] {
  return items.some((m) => m.id === message.id) ? replace(items, message) : [...items, message];
}

function replace(items: Message[], message: Message): Message[] {
  return items.map((m) => (m.id === message.id ? message : m));
}

function insertIfAbsent(items: Message[], message: Message): Message[] {
  return items.some((m) => m.id === message.id) ? items : [...items, message];
}

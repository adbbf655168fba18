import { useShallow } from 'zustand/react/shallow';
import type { Conversation, Message } from '../lib/contract';
import type { ConversationMessages } from './slices/chat';
import { useTernStore, type TernState } from './store';

// ---- Plain selectors (state in, value out): usable in tests and in hooks ------------------

/** Conversations whose title contains the filter text, ignoring case. */
export function selectFilteredConversations(state: TernState): Conversation[] {
  const needle = state.filter.trim().toLocaleLowerCase();
  if (!needle) return state.conversations;
  return state.conversations.filter((c) => c.title.toLocaleLowerCase().includes(needle));
}

export function selectSelectedConversation(state: TernState): Conversation | null {
  return state.conversations.find((c) => c.id === state.selectedConversationId) ?? null;
}

const NO_MESSAGES: ConversationMessages = { status: 'idle', items: [], error: null };

export function selectMessagesOf(state: TernState, conversationId: string | null): ConversationMessages {
  if (!conversationId) return NO_MESSAGES;
  return state.messages[conversationId] ?? NO_MESSAGES;
}

export function selectIsFiltering(state: TernState): boolean {
  return state.filter.trim().length > 0;
}

// ---- Hooks --------------------------------------------------------------------------------

/** The list's state; the filtered list itself comes from useFilteredConversations. */
export function useConversationListState() {
  return useTernStore(
    useShallow((s) => ({
      total: s.conversations.length,
      status: s.conversationsStatus,
      error: s.conversationsError,
      selectedId: s.selectedConversationId,
      filtering: selectIsFiltering(s),
    })),
  );
}

/** useShallow compares the list element by element, so a filtered copy does not re-render. */
export function useFilteredConversations(): Conversation[] {
  return useTernStore(useShallow(selectFilteredConversations));
}

export function useSearchResults() {
  return useTernStore(
    useShallow((s) => ({
      filter: s.filter,
      query: s.searchQuery,
      hits: s.searchHits,
      status: s.searchStatus,
      error: s.searchError,
    })),
  );
}

export function useSelectedConversation(): Conversation | null {
  return useTernStore(selectSelectedConversation);
}

export function useMessagesOf(conversationId: string | null): ConversationMessages {
  return useTernStore((s) => selectMessagesOf(s, conversationId));
}

export function useMessageItems(conversationId: string | null): Message[] {
  return useTernStore((s) => selectMessagesOf(s, conversationId).items);
}

export function useAppInfo() {
  return useTernStore(useShallow((s) => ({ info: s.appInfo, status: s.appInfoStatus, error: s.appInfoError })));
}

export const useFilter = () => useTernStore((s) => s.filter);
export const useView = () => useTernStore((s) => s.view);
export const useConnection = () => useTernStore((s) => s.connection);
export const useHostTokenMissing = () => useTernStore((s) => s.hostTokenMissing);
export const useConversationActionError = () => useTernStore((s) => s.conversationActionError);

import type { Conversation } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface ConversationsSlice {
  conversations: Conversation[];
  conversationsStatus: LoadStatus;
  conversationsError: string | null;
  selectedConversationId: string | null;
  /** The last create, rename or delete that failed, said plainly. */
  conversationActionError: string | null;
}

export const initialConversationsSlice = (): ConversationsSlice => ({
  conversations: [],
  conversationsStatus: 'idle',
  conversationsError: null,
  selectedConversationId: null,
  conversationActionError: null,
});

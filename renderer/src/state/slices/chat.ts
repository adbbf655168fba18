import type { Message } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface ConversationMessages {
  status: LoadStatus;
  items: Message[];
  error: string | null;
}

export interface ChatSlice {
  /** Messages of each conversation's active branch, by conversation id, loaded when opened. */
  messages: Record<string, ConversationMessages>;
}

export const initialChatSlice = (): ChatSlice => ({ messages: {} });

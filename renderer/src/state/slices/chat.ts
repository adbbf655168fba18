import type { ContextUse, Message } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface ConversationMessages {
  status: LoadStatus;
  items: Message[];
  error: string | null;
}

/** Where the composer's last Send is: on its way, waiting for the connection, or refused. */
export interface SendState {
  status: 'sending' | 'waiting' | 'failed';
  /** The client's id for this Send; a retry after a lost connection uses the same one. */
  requestId: string;
  error: string | null;
}

export interface ChatSlice {
  /** Messages of each conversation's active branch, by conversation id (see chat-reducer.ts). */
  messages: Record<string, ConversationMessages>;
  /** The last measured context use of each conversation; null before its first reply. */
  contextUse: Record<string, ContextUse | null>;
  /** What the user has typed and not sent, by conversation id. */
  drafts: Record<string, string>;
  /** The composer's Send in progress (or the last one that failed), by conversation id. */
  sends: Record<string, SendState>;
  /** The last Stop or Continue that failed, by conversation id. */
  replyActionErrors: Record<string, string>;
}

export const initialChatSlice = (): ChatSlice => ({
  messages: {},
  contextUse: {},
  drafts: {},
  sends: {},
  replyActionErrors: {},
});

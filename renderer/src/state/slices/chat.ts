import type { BranchMessage, ContextUse } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface ConversationMessages {
  status: LoadStatus;
  /** The active branch, root first, each message with its versions. */
  items: BranchMessage[];
  error: string | null;
}

/** Where the composer's last Send is: on its way, waiting for the connection, or refused. */
export interface SendState {
  status: 'sending' | 'waiting' | 'failed';
  /** The client's id for this Send; a retry after a lost connection uses the same one. */
  requestId: string;
  error: string | null;
}

/** A user message being edited in place (one per conversation); kept here so it survives a re-render of the list. */
export interface EditState {
  messageId: string;
  text: string;
  status: 'editing' | 'sending';
  /** Why the last Send of the edit failed. */
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
  /** The last Stop, Continue, Regenerate, Delete or version switch that failed, by conversation id. */
  replyActionErrors: Record<string, string>;
  /** The message being edited, by conversation id. */
  edits: Record<string, EditState>;
  /** Conversations with a branch change on its way (switch, regenerate, delete): their message actions wait. */
  branchBusy: Record<string, true>;
  /**
   * The message to bring into view and highlight (a search hit just opened). MessageItem scrolls
   * to it when it is rendered and clears it; a virtualized list scrolls its index into view first.
   */
  focusMessageId: string | null;
}

export const initialChatSlice = (): ChatSlice => ({
  messages: {},
  contextUse: {},
  drafts: {},
  sends: {},
  replyActionErrors: {},
  edits: {},
  branchBusy: {},
  focusMessageId: null,
});

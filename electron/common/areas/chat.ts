/** Asking and answering: a reply streams from the engine into a stored message. */
import { z } from 'zod';
import { Id, call } from '../schema';
import { Message } from './conversations';

/**
 * The client's id for one Send or Continue. Sending again with the same id (a retry after a lost
 * connection) answers with what the first one started and never runs twice.
 */
export const RequestId = z.string().min(8).max(64);

export const SendResult = z.object({ userMessage: Message, reply: Message });
export type SendResult = z.infer<typeof SendResult>;

/** How the prompt was built for the conversation's model. */
export const PromptFormat = z.enum(['bitnet-2b4t', 'template', 'fallback']);
export type PromptFormat = z.infer<typeof PromptFormat>;

export const ContextUse = z.object({
  conversationId: Id,
  /** Tokens the conversation takes in the model's context (prompt and reply so far). */
  usedTokens: z.number().int().nonnegative(),
  contextTokens: z.number().int().positive(),
  /** Earlier messages left out because the history no longer fits (0: none). */
  droppedMessages: z.number().int().nonnegative(),
  promptFormat: PromptFormat,
  /** Why the plain fallback format is used, or null. */
  formatNote: z.string().nullable(),
});
export type ContextUse = z.infer<typeof ContextUse>;

export const chatCalls = {
  /** Adds the user's message and starts the reply; the reply streams as chatStream events. */
  sendMessage: call(z.object({ requestId: RequestId, conversationId: Id, text: z.string().trim().min(1).max(100_000) }).strict(), SendResult),
  /** A new version of a reply (a sibling of it, streaming); the old ones are kept. */
  regenerateReply: call(z.object({ requestId: RequestId, messageId: Id }).strict(), Message),
  /**
   * Sends an edited user message as a new branch: a sibling of the edited message with its own
   * reply; the old branch stays reachable through the version switcher.
   */
  editMessage: call(
    z.object({ requestId: RequestId, messageId: Id, text: z.string().trim().min(1).max(100_000) }).strict(),
    SendResult,
  ),
  /** Resumes an interrupted reply where it stopped. */
  continueReply: call(z.object({ requestId: RequestId, messageId: Id }).strict(), Message),
  /** Stops the conversation's reply in flight (nothing happens when there is none). */
  stopReply: call(z.object({ conversationId: Id }).strict(), z.object({ stopped: z.boolean() })),
  /** The last measured context use of a conversation, or null before its first reply. */
  getContextUse: call(z.object({ conversationId: Id }).strict(), ContextUse.nullable()),
} as const;

export const ChatStreamEvent = z.discriminatedUnion('type', [
  /** A reply began (its message exists, status streaming). */
  z.object({ type: z.literal('started'), conversationId: Id, message: Message }),
  /**
   * More text of a reply: it goes at `offset` of the message's content (the length of the text
   * before it, in UTF-16 code units), so a client that loaded the message meanwhile neither
   * doubles nor skips text. `tokens` counts the reply's tokens so far.
   */
  z.object({
    type: z.literal('delta'),
    conversationId: Id,
    messageId: Id,
    offset: z.number().int().nonnegative(),
    text: z.string(),
    tokens: z.number().int(),
  }),
  /** The reply ended: complete, interrupted (stopped, engine crashed) or error; the stored message. */
  z.object({ type: z.literal('finished'), conversationId: Id, message: Message }),
]);
export type ChatStreamEvent = z.infer<typeof ChatStreamEvent>;

export const chatEvents = {
  chatStream: ChatStreamEvent,
  contextUse: ContextUse,
} as const;

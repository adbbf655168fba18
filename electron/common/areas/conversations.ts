/** Conversations and their messages, as stored; search over them. */
import { z } from 'zod';
import { Id, call } from '../schema';
import { SamplingOverrides } from './settings';

/** What a conversation sets for itself; anything absent follows the app's defaults. */
export const ConversationSettings = z
  .object({
    /** The system prompt; absent: the default from Settings. An empty string means none. */
    systemPrompt: z.string().max(20_000).optional(),
    sampling: SamplingOverrides.optional(),
  })
  .strict();
export type ConversationSettings = z.infer<typeof ConversationSettings>;

export const Conversation = z.object({
  id: Id,
  title: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** The leaf of the branch shown; null for an empty conversation. */
  activeLeafId: Id.nullable(),
  /** The model chosen for this conversation (a model id: the file's sha256). */
  modelId: z.string().nullable(),
  messageCount: z.number().int().nonnegative(),
  settings: ConversationSettings,
});
export type Conversation = z.infer<typeof Conversation>;

export const MessageRole = z.enum(['system', 'user', 'assistant']);
export const MessageStatus = z.enum(['streaming', 'complete', 'interrupted', 'error']);
export const EnergySource = z.enum(['measured', 'os-estimate', 'modelled']);
export type EnergySource = z.infer<typeof EnergySource>;

export const MessageStats = z.object({
  promptTokens: z.number().int().nullable(),
  generatedTokens: z.number().int().nullable(),
  ttftMs: z.number().nullable(),
  prefillTokensPerSec: z.number().nullable(),
  decodeTokensPerSec: z.number().nullable(),
  energyJoules: z.number().nullable(),
  energySource: EnergySource.nullable(),
  /** The CPU threads the reply was generated with; null when not recorded. */
  threads: z.number().int().nullable(),
});
export type MessageStats = z.infer<typeof MessageStats>;

export const Message = z.object({
  id: Id,
  conversationId: Id,
  /** Messages form a tree: a regenerated reply or an edited prompt is a sibling. */
  parentId: Id.nullable(),
  role: MessageRole,
  content: z.string(),
  status: MessageStatus,
  createdAt: z.number().int(),
  modelId: z.string().nullable(),
  /** The model's name as shown when the reply was made (the file name, or the model's own name). */
  modelName: z.string().nullable(),
  /** What happened to a reply, said to the user: why it was interrupted or failed. */
  note: z.string().nullable(),
  stats: MessageStats,
});
export type Message = z.infer<typeof Message>;

/** A message of the branch shown, with its alternatives: the `‹ 2/3 ›` switcher's facts. */
export const BranchMessage = Message.extend({
  /** The ids of this message and its alternatives (same parent: regenerated replies, edited prompts), oldest first. */
  versionIds: z.array(Id).min(1),
});
export type BranchMessage = z.infer<typeof BranchMessage>;

export const SearchHit = z.object({
  conversationId: Id,
  conversationTitle: z.string(),
  messageId: Id,
  role: MessageRole,
  /** Text around the match; the matched terms are wrapped in [ and ]. */
  snippet: z.string(),
});
export type SearchHit = z.infer<typeof SearchHit>;

const Title = z.string().trim().min(1, 'title must not be empty').max(200);

export const conversationCalls = {
  listConversations: call(z.object({ query: z.string().max(500).optional() }).strict(), z.array(Conversation)),
  createConversation: call(z.object({ title: Title.optional() }).strict(), Conversation),
  renameConversation: call(z.object({ id: Id, title: Title }).strict(), Conversation),
  /** Deleting a conversation cancels its reply in flight. */
  deleteConversation: call(z.object({ id: Id }).strict(), z.object({ id: Id })),
  /** Replaces the conversation's own settings (system prompt, sampling). */
  updateConversationSettings: call(z.object({ id: Id, settings: ConversationSettings }).strict(), Conversation),
  /** Chooses the conversation's model (also remembered as the default for new conversations). */
  setConversationModel: call(z.object({ id: Id, modelId: Id }).strict(), Conversation),

  /** The messages of the conversation's active branch, root first, each with its versions. */
  listMessages: call(z.object({ conversationId: Id }).strict(), z.array(BranchMessage)),
  /**
   * Shows the branch through this message (down its most recent replies) and makes it the
   * conversation's active one: the version switcher, and opening a search hit.
   */
  activateMessage: call(z.object({ messageId: Id }).strict(), Conversation),
  /** Deletes the message and everything after it on its branches; the branch shown moves to its parent. */
  deleteMessage: call(z.object({ messageId: Id }).strict(), Conversation),
  /** Full-text search over every message of every branch. */
  searchMessages: call(
    z.object({ query: z.string().trim().min(1).max(500), limit: z.number().int().min(1).max(200).optional() }).strict(),
    z.array(SearchHit),
  ),
} as const;

export const conversationEvents = {
  /** A conversation was created, renamed, deleted, got new messages or new settings. */
  conversationsChanged: z.object({
    reason: z.enum(['created', 'renamed', 'deleted', 'messages', 'settings']),
    conversationId: Id,
  }),
} as const;

/**
 * The JSON file of exported conversations: a versioned envelope around every message of every
 * branch, with the conversations' settings, models and active leaves. Export writes it, import
 * validates against it strictly (unknown keys, absurd sizes, values outside the enums refused).
 * Token ids are not part of it: they belong to one model.
 */
import { z } from 'zod';
import { ConversationSettings, EnergySource, Id, MessageRole, MessageStatus } from '../../common/contract';

export const FILE_FORMAT = 'tern-conversations';
export const FILE_VERSION = 1;

/** Limits a real history stays far below; beyond them a file is refused rather than stored. */
export const LIMITS = {
  conversations: 10_000,
  messagesPerConversation: 100_000,
  messages: 250_000,
  contentChars: 2_000_000,
  titleChars: 200,
  noteChars: 10_000,
  modelIdChars: 128,
  modelNameChars: 1_000,
} as const;

/** Milliseconds since the epoch, up to the year 9999. */
const Time = z.number().int().min(0).max(253_402_300_799_999);
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable();
const Measure = z.number().min(0).nullable();

export const FileStats = z
  .object({
    promptTokens: Count,
    generatedTokens: Count,
    ttftMs: Measure,
    prefillTokensPerSec: Measure,
    decodeTokensPerSec: Measure,
    energyJoules: Measure,
    energySource: EnergySource.nullable(),
    /** Files written before threads were recorded have none. */
    threads: z.number().int().min(1).max(1024).nullable().optional(),
  })
  .strict();

export const FileMessage = z
  .object({
    id: Id,
    parentId: Id.nullable(),
    role: MessageRole,
    content: z.string().max(LIMITS.contentChars),
    status: MessageStatus,
    note: z.string().max(LIMITS.noteChars).nullable(),
    modelId: z.string().max(LIMITS.modelIdChars).nullable(),
    modelName: z.string().max(LIMITS.modelNameChars).nullable(),
    createdAt: Time,
    stats: FileStats,
  })
  .strict();
export type FileMessage = z.infer<typeof FileMessage>;

export const FileConversation = z
  .object({
    id: Id,
    title: z.string().trim().min(1, 'title must not be empty').max(LIMITS.titleChars),
    createdAt: Time,
    updatedAt: Time,
    modelId: z.string().max(LIMITS.modelIdChars).nullable(),
    /** The leaf of the branch shown; one of this conversation's messages, or null. */
    activeLeafId: Id.nullable(),
    settings: ConversationSettings,
    /** Every message of every branch, a parent before its replies. */
    messages: z.array(FileMessage).max(LIMITS.messagesPerConversation),
  })
  .strict();
export type FileConversation = z.infer<typeof FileConversation>;

export const ConversationsFile = z
  .object({
    format: z.literal(FILE_FORMAT),
    version: z.literal(FILE_VERSION),
    exportedAt: Time,
    conversations: z.array(FileConversation).max(LIMITS.conversations),
  })
  .strict();
export type ConversationsFile = z.infer<typeof ConversationsFile>;

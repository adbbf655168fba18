/** Conversations leaving Tern and coming back: export as Markdown or JSON, import JSON. */
import { z } from 'zod';
import { Empty, Id, call } from '../schema';

export const ExportFormat = z.enum(['markdown', 'json']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** A file to save: the client offers it as a download. */
export const ExportedFile = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  content: z.string(),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

export const ImportResult = z.object({
  /** Conversations the file held, and of them the ones new here. */
  conversations: z.number().int().nonnegative(),
  conversationsAdded: z.number().int().nonnegative(),
  /** Messages added, and those already here with the same content (skipped). */
  messagesAdded: z.number().int().nonnegative(),
  messagesSkipped: z.number().int().nonnegative(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const historyCalls = {
  /** One conversation: Markdown (the branch shown) or JSON (every branch, settings, stats). */
  exportConversation: call(z.object({ id: Id, format: ExportFormat }).strict(), ExportedFile),
  /** Every conversation as one JSON file. */
  exportAll: call(Empty, ExportedFile),
  /**
   * A JSON file made by export. All or nothing: a message whose id exists with other content or
   * in another conversation is a clash, and the whole import is refused (CONFLICT) naming it; a
   * malformed file is refused (BAD_REQUEST). Importing the same file again adds nothing.
   */
  importConversations: call(z.object({ content: z.string().min(1).max(50 * 1024 * 1024) }).strict(), ImportResult),
} as const;

export const historyEvents = {} as const;

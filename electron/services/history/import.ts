/**
 * Import of a JSON file made by export, all or nothing, in one transaction:
 *
 * - the file is checked first: JSON, the envelope, the schema (strict), then its tree (no
 *   repeated ids, every parent in the same conversation, in the file or already here, no
 *   cycles, an active leaf among the conversation's messages); a bad file is BAD_REQUEST;
 * - a conversation whose id is here is merged into (its title, settings and active leaf kept;
 *   an empty one takes the file's active leaf); a new one is created as the file has it;
 * - a message whose id is here with the same conversation, parent, role and content is
 *   skipped; one here with anything else is a clash, and the whole import is CONFLICT;
 * - replies exported while streaming come in as interrupted.
 *
 * Importing the same file again adds nothing.
 */
import type { z } from 'zod';
import { type ImportResult, TernError } from '../../common/contract';
import type { ImportedMessage, Store } from '../store';
import { ConversationsFile, FILE_FORMAT, FILE_VERSION, type FileConversation, type FileMessage, LIMITS } from './format';

/** The note of a reply that was still streaming in the file. */
export const NOTE_IMPORTED_STREAMING = 'This reply was still being written when it was exported; the text so far is kept. Continue resumes it.';

export interface ImportOutcome {
  result: ImportResult;
  /** Conversations created, and those that got messages. */
  created: string[];
  merged: string[];
}

export function importConversations(store: Store, content: string): ImportOutcome {
  const file = parseFile(content);
  checkTree(file);
  return store.history.transaction(() => apply(store, file));
}

// ---- Reading the file ------------------------------------------------------------------------

/** Parses and validates the file; anything wrong is BAD_REQUEST saying what. */
export function parseFile(content: string): ConversationsFile {
  let data: unknown;
  try {
    data = JSON.parse(content, (key, value: unknown) => {
      if (key === '__proto__') throw new HostileKeyError();
      return value;
    });
  } catch (error) {
    if (error instanceof HostileKeyError) throw bad('the file has a key named "__proto__", which no export contains');
    throw bad(`the file is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad('the file is not a Tern conversations file (expected a JSON object)');
  const { format, version } = data as { format?: unknown; version?: unknown };
  if (format !== FILE_FORMAT) throw bad(`the file is not a Tern conversations file (its format is ${describe(format)}, expected "${FILE_FORMAT}")`);
  if (version !== FILE_VERSION) {
    throw bad(
      typeof version === 'number' && version > FILE_VERSION
        ? `the file is version ${version}, made by a newer Tern; this Tern reads version ${FILE_VERSION}`
        : `the file's version is ${describe(version)}; this Tern reads version ${FILE_VERSION}`,
    );
  }
  const parsed = ConversationsFile.safeParse(data);
  if (!parsed.success) throw bad(`the file does not match the Tern conversations format: ${firstIssues(parsed.error)}`);
  const total = parsed.data.conversations.reduce((sum, c) => sum + c.messages.length, 0);
  if (total > LIMITS.messages) throw bad(`the file holds ${total} messages, more than the ${LIMITS.messages} one import takes`);
  return parsed.data;
}

/** The file's own consistency: unique ids, active leaves among their messages, no cycles. */
function checkTree(file: ConversationsFile): void {
  const conversationIds = new Set<string>();
  const owner = new Map<string, string>();
  for (const conversation of file.conversations) {
    if (conversationIds.has(conversation.id)) throw bad(`conversation ${conversation.id} appears twice in the file`);
    conversationIds.add(conversation.id);
    for (const message of conversation.messages) {
      if (owner.has(message.id)) throw bad(`message ${message.id} appears twice in the file`);
      owner.set(message.id, conversation.id);
    }
  }
  for (const conversation of file.conversations) {
    const leaf = conversation.activeLeafId;
    if (leaf !== null && owner.get(leaf) !== conversation.id) {
      throw bad(`the active message ${leaf} of conversation ${conversation.id} is not one of its messages in the file`);
    }
    for (const message of conversation.messages) {
      const parentOwner = message.parentId === null ? undefined : owner.get(message.parentId);
      if (parentOwner !== undefined && parentOwner !== conversation.id) {
        throw bad(`message ${message.id} answers message ${message.parentId}, which is in another conversation (${parentOwner})`);
      }
    }
    parentsFirst(conversation);
  }
}

/**
 * The conversation's messages with every parent before its replies (otherwise oldest first, as
 * the file lists them); a cycle of parents is BAD_REQUEST.
 */
export function parentsFirst(conversation: FileConversation): FileMessage[] {
  const byId = new Map(conversation.messages.map((m) => [m.id, m]));
  const order = conversation.messages
    .map((message, index) => ({ message, index }))
    .sort((a, b) => a.message.createdAt - b.message.createdAt || a.index - b.index)
    .map(({ message }) => message);
  const placed = new Set<string>();
  const result: FileMessage[] = [];
  for (const start of order) {
    const chain: FileMessage[] = [];
    const onChain = new Set<string>();
    for (let at: FileMessage | undefined = start; at && !placed.has(at.id); at = at.parentId === null ? undefined : byId.get(at.parentId)) {
      if (onChain.has(at.id)) throw bad(`message ${at.id} and the messages it answers form a cycle`);
      onChain.add(at.id);
      chain.push(at);
    }
    for (const message of chain.reverse()) {
      placed.add(message.id);
      result.push(message);
    }
  }
  return result;
}

// ---- Writing it ------------------------------------------------------------------------------

function apply(store: Store, file: ConversationsFile): ImportOutcome {
  const { history } = store;
  const created: string[] = [];
  const merged: string[] = [];
  let messagesAdded = 0;
  let messagesSkipped = 0;
  // Check everything against the store before writing anything, so a refusal leaves no trace
  // even outside a transaction's rollback.
  const plans = file.conversations.map((conversation) => {
    const existing = history.conversation(conversation.id);
    const fileIds = new Set(conversation.messages.map((m) => m.id));
    const toAdd = parentsFirst(conversation).filter((message) => {
      const stored = history.identity(message.id);
      if (stored === undefined) {
        checkParentHere(store, conversation.id, message, fileIds);
        return true;
      }
      checkSame(conversation.id, message, stored);
      return false;
    });
    return { conversation, existing, toAdd };
  });
  for (const { conversation, existing, toAdd } of plans) {
    messagesSkipped += conversation.messages.length - toAdd.length;
    messagesAdded += toAdd.length;
    if (!existing) {
      const { id, title, createdAt, updatedAt, modelId, settings } = conversation;
      history.insertConversation({ id, title, createdAt, updatedAt, modelId, settings, activeLeafId: null });
      created.push(conversation.id);
    } else if (toAdd.length > 0) {
      merged.push(conversation.id);
    }
    for (const message of toAdd) history.insertMessage(conversation.id, imported(message));
    if (!existing || existing.activeLeafId === null) history.setActiveLeaf(conversation.id, conversation.activeLeafId);
    if (existing && toAdd.length > 0) history.touch(conversation.id, toAdd.reduce((latest, m) => Math.max(latest, m.createdAt), 0));
  }
  return {
    result: { conversations: file.conversations.length, conversationsAdded: created.length, messagesAdded, messagesSkipped },
    created,
    merged,
  };
}

/** A message new here: its parent is in the file (checked already) or here, in the same conversation. */
function checkParentHere(store: Store, conversationId: string, message: FileMessage, fileIds: Set<string>): void {
  if (message.parentId === null || fileIds.has(message.parentId)) return;
  const parent = store.history.identity(message.parentId);
  if (!parent) throw bad(`message ${message.id} answers message ${message.parentId}, which is neither in the file nor here`);
  if (parent.conversationId !== conversationId) {
    throw bad(`message ${message.id} answers message ${message.parentId}, which is in another conversation here (${parent.conversationId})`);
  }
}

/** A message already here must be the same one: otherwise the import is refused. */
function checkSame(conversationId: string, message: FileMessage, stored: { conversationId: string; parentId: string | null; role: string; content: string }): void {
  const clash = (why: string) => new TernError('CONFLICT', `Nothing was imported: message ${message.id} is already here ${why}.`);
  if (stored.conversationId !== conversationId) throw clash(`in another conversation (${stored.conversationId})`);
  if (stored.parentId !== message.parentId) throw clash('with another place in the conversation (a different parent)');
  if (stored.role !== message.role) throw clash(`as a ${stored.role} message, not a ${message.role} one`);
  if (stored.content !== message.content) throw clash('with other content');
}

function imported(file: FileMessage): ImportedMessage {
  const message = { ...file, stats: { ...file.stats, threads: file.stats.threads ?? null } };
  if (message.status !== 'streaming') return message;
  return { ...message, status: 'interrupted', note: message.note ?? NOTE_IMPORTED_STREAMING };
}

// ---- Errors ----------------------------------------------------------------------------------

class HostileKeyError extends Error {}

function bad(reason: string): TernError {
  return new TernError('BAD_REQUEST', `The file cannot be imported: ${reason}.`);
}

/** The first few problems zod found, and how many more there are. */
function firstIssues(error: z.ZodError, shown = 3): string {
  const more = error.issues.length - shown;
  const first = error.issues
    .slice(0, shown)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  return more > 0 ? `${first}; and ${more} more` : first;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

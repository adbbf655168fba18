/**
 * Export: one conversation as Markdown (the branch shown) or as JSON (every branch), or every
 * conversation as one JSON file. The JSON is the versioned envelope of format.ts.
 */
import type { ExportFormat, ExportedFile, Message } from '../../common/contract';
import type { ConversationRecord, Store } from '../store';
import { safeFileName } from './file-name';
import { type ConversationsFile, FILE_FORMAT, FILE_VERSION, type FileConversation, type FileMessage } from './format';
import { conversationMarkdown } from './markdown';

/** Import takes files up to this size; an export is written compactly rather than exceed it. */
const IMPORT_MAX_CHARS = 50 * 1024 * 1024;

export function exportConversation(store: Store, id: string, format: ExportFormat, now: number = Date.now()): ExportedFile {
  const record = store.history.requireConversation(id);
  if (format === 'markdown') {
    return {
      fileName: `${safeFileName(record.title)}.md`,
      mimeType: 'text/markdown',
      content: conversationMarkdown(record.title, store.messages.activeBranch(id)),
    };
  }
  return jsonFile(`${safeFileName(record.title)}.json`, envelope([fileConversation(store, record)], now));
}

export function exportAll(store: Store, now: number = Date.now()): ExportedFile {
  const conversations = store.history.conversationIds().map((id) => fileConversation(store, store.history.requireConversation(id)));
  const day = new Date(now).toISOString().slice(0, 10);
  return jsonFile(`tern-conversations-${day}.json`, envelope(conversations, now));
}

function envelope(conversations: FileConversation[], now: number): ConversationsFile {
  return { format: FILE_FORMAT, version: FILE_VERSION, exportedAt: now, conversations };
}

function jsonFile(fileName: string, file: ConversationsFile): ExportedFile {
  const readable = JSON.stringify(file, null, 2);
  return {
    fileName,
    mimeType: 'application/json',
    content: readable.length <= IMPORT_MAX_CHARS ? readable : JSON.stringify(file),
  };
}

function fileConversation(store: Store, record: ConversationRecord): FileConversation {
  return {
    id: record.id,
    title: record.title,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    modelId: record.modelId,
    activeLeafId: record.activeLeafId,
    settings: record.settings,
    messages: store.history.messages(record.id).map(fileMessage),
  };
}

function fileMessage(message: Message): FileMessage {
  return {
    id: message.id,
    parentId: message.parentId,
    role: message.role,
    content: message.content,
    status: message.status,
    note: message.note,
    modelId: message.modelId,
    modelName: message.modelName,
    createdAt: message.createdAt,
    stats: { ...message.stats },
  };
}

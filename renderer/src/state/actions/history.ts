/** Export (one conversation, or all) and import: the host makes and reads the files. */
import type { ExportedFile, ExportFormat } from '../../lib/contract';
import { describeError, errorCode } from '../../lib/errors';
import { describeImport } from '../../lib/format';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';
import { loadMessages } from './chat';
import { loadConversations } from './conversations';
import { refreshSearch } from './search';

/** A file to offer as a download, or the error to show. */
export type ExportOutcome = { ok: true; file: ExportedFile } | { ok: false; error: string };

/** Markdown: the branch shown; JSON: every branch, settings and stats. */
export async function exportConversation(id: string, format: ExportFormat): Promise<ExportOutcome> {
  try {
    return { ok: true, file: await getStoreApi().exportConversation({ id, format }) };
  } catch (error) {
    return { ok: false, error: `Could not export the conversation: ${describeError(error)}` };
  }
}

/** Every conversation as one JSON file. */
export async function exportAll(): Promise<ExportOutcome> {
  try {
    return { ok: true, file: await getStoreApi().exportAll({}) };
  } catch (error) {
    return { ok: false, error: `Could not export the conversations: ${describeError(error)}` };
  }
}

/** What an import did, in words; `ok: false` when it was refused or failed. */
export type ImportOutcome = { ok: boolean; message: string };

/** Imports a JSON file made by export (all or nothing), then shows what it added. */
export async function importConversations(content: string): Promise<ImportOutcome> {
  if (!content.trim()) return { ok: false, message: 'Import refused: the file is empty.' };
  try {
    const result = await getStoreApi().importConversations({ content });
    void loadConversations();
    refreshSearch();
    const open = useTernStore.getState().selectedConversationId;
    if (open) void loadMessages(open);
    return { ok: true, message: describeImport(result) };
  } catch (error) {
    const code = errorCode(error);
    const refused = code === 'CONFLICT' || code === 'BAD_REQUEST';
    return { ok: false, message: `${refused ? 'Import refused' : 'Could not import'}: ${describeError(error)}` };
  }
}

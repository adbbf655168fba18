/** Database rows and their mapping to the contract's shapes. */
import { type Conversation, ConversationSettings, type Message, type MessageStats } from '../../common/contract';

/** A conversation's stored settings; anything that no longer passes the schema is dropped. */
function conversationSettings(json: string): ConversationSettings {
  try {
    const parsed = ConversationSettings.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export interface ConversationRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  active_leaf_id: string | null;
  model_id: string | null;
  message_count: number;
  settings: string;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  parent_id: string | null;
  role: Message['role'];
  content: string;
  status: Message['status'];
  created_at: number;
  model_id: string | null;
  prompt_tokens: number | null;
  generated_tokens: number | null;
  ttft_ms: number | null;
  prefill_tps: number | null;
  decode_tps: number | null;
  energy_joules: number | null;
  energy_source: MessageStats['energySource'];
  threads: number | null;
  model_name: string | null;
  note: string | null;
}

/** SELECT list for a conversation with its message count. */
export const CONVERSATION_COLUMNS = `
  c.id, c.title, c.created_at, c.updated_at, c.active_leaf_id, c.model_id, c.settings,
  (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count`;

export const MESSAGE_COLUMNS = `
  id, conversation_id, parent_id, role, content, status, created_at, model_id,
  prompt_tokens, generated_tokens, ttft_ms, prefill_tps, decode_tps, energy_joules, energy_source, threads,
  model_name, note`;

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    activeLeafId: row.active_leaf_id,
    modelId: row.model_id,
    messageCount: row.message_count,
    settings: conversationSettings(row.settings),
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    parentId: row.parent_id,
    role: row.role,
    content: row.content,
    status: row.status,
    createdAt: row.created_at,
    modelId: row.model_id,
    modelName: row.model_name,
    note: row.note,
    stats: {
      promptTokens: row.prompt_tokens,
      generatedTokens: row.generated_tokens,
      ttftMs: row.ttft_ms,
      prefillTokensPerSec: row.prefill_tps,
      decodeTokensPerSec: row.decode_tps,
      energyJoules: row.energy_joules,
      energySource: row.energy_source,
      threads: row.threads,
    },
  };
}

/** Stats column for each field of MessageStats. */
export const STATS_COLUMNS: { readonly [K in keyof MessageStats]: string } = {
  promptTokens: 'prompt_tokens',
  generatedTokens: 'generated_tokens',
  ttftMs: 'ttft_ms',
  prefillTokensPerSec: 'prefill_tps',
  decodeTokensPerSec: 'decode_tps',
  energyJoules: 'energy_joules',
  energySource: 'energy_source',
  threads: 'threads',
};

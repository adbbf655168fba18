import { describeError } from '../../lib/errors';
import type { Conversation, ConversationSettings } from '../../lib/contract';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';
import { forgetConversation, loadContextUse, loadMessages } from './chat';

const { setState, getState } = useTernStore;

let listRequest = 0;

/** Loads the conversation list; keeps the selection if it still exists. */
export async function loadConversations(): Promise<void> {
  const request = ++listRequest;
  setState((s) => ({ conversationsStatus: s.conversationsStatus === 'ready' ? 'ready' : 'loading' }));
  try {
    const conversations = await getStoreApi().listConversations({});
    if (request !== listRequest) return;
    const { selectedConversationId } = getState();
    const stillThere = conversations.some((c) => c.id === selectedConversationId);
    setState({
      conversations,
      conversationsStatus: 'ready',
      conversationsError: null,
      selectedConversationId: stillThere ? selectedConversationId : null,
    });
  } catch (error) {
    if (request !== listRequest) return;
    setState({ conversationsStatus: 'error', conversationsError: describeError(error) });
  }
}

/** Opens a conversation in the main area and loads its messages. */
export function selectConversation(id: string): void {
  setState({ selectedConversationId: id, view: 'conversation', focusMessageId: null });
  void loadMessages(id);
  void loadContextUse(id);
}

/** A conversation as the host now has it (after a call that changed it), in place in the list. */
export function replaceConversation(conversation: Conversation): void {
  setState((s) => ({ conversations: s.conversations.map((c) => (c.id === conversation.id ? conversation : c)) }));
}

function upsert(list: Conversation[], conversation: Conversation): Conversation[] {
  const others = list.filter((c) => c.id !== conversation.id);
  return [conversation, ...others].sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Creates a conversation, puts it in the list and opens it. */
export async function createConversation(title?: string): Promise<Conversation | null> {
  try {
    const conversation = await getStoreApi().createConversation(title === undefined ? {} : { title });
    setState((s) => ({
      conversations: upsert(s.conversations, conversation),
      conversationActionError: null,
    }));
    selectConversation(conversation.id);
    return conversation;
  } catch (error) {
    setState({ conversationActionError: `Could not create a conversation: ${describeError(error)}` });
    return null;
  }
}

export async function renameConversation(id: string, title: string): Promise<boolean> {
  try {
    const renamed = await getStoreApi().renameConversation({ id, title });
    setState((s) => ({
      conversations: s.conversations.map((c) => (c.id === renamed.id ? renamed : c)),
      conversationActionError: null,
    }));
    return true;
  } catch (error) {
    setState({ conversationActionError: `Could not rename the conversation: ${describeError(error)}` });
    return false;
  }
}

export async function deleteConversation(id: string): Promise<boolean> {
  try {
    await getStoreApi().deleteConversation({ id });
    setState((s) => ({
      conversations: s.conversations.filter((c) => c.id !== id),
      selectedConversationId: s.selectedConversationId === id ? null : s.selectedConversationId,
      searchHits: s.searchHits.filter((hit) => hit.conversationId !== id),
      conversationActionError: null,
    }));
    forgetConversation(id);
    return true;
  } catch (error) {
    setState({ conversationActionError: `Could not delete the conversation: ${describeError(error)}` });
    return false;
  }
}

/** Chooses the conversation's model (the host also remembers it for new conversations). */
export async function chooseModel(conversationId: string, modelId: string): Promise<boolean> {
  try {
    replaceConversation(await getStoreApi().setConversationModel({ id: conversationId, modelId }));
    setState({ modelActionError: null });
    return true;
  } catch (error) {
    setState({ modelActionError: `Could not choose the model: ${describeError(error)}` });
    return false;
  }
}

/** Replaces the conversation's own settings; answers with the error to show, or null. */
export async function saveConversationSettings(conversationId: string, settings: ConversationSettings): Promise<string | null> {
  try {
    replaceConversation(await getStoreApi().updateConversationSettings({ id: conversationId, settings }));
    return null;
  } catch (error) {
    return `Could not save the conversation settings: ${describeError(error)}`;
  }
}

export function dismissConversationError(): void {
  setState({ conversationActionError: null });
}

/**
 * The message tree: switching between versions, regenerating a reply, editing a prompt into a new
 * branch, deleting a message, and opening a search hit on its branch. After a change of branch the
 * host's list is loaded again: it is authoritative (versions included).
 */
import type { BranchMessage, Message, SearchHit } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { newRequestId } from '../../lib/request-id';
import { getStoreApi } from '../api';
import { pendingUserMessage } from '../chat-reducer';
import { selectIsReplying } from '../selectors';
import type { EditState } from '../slices/chat';
import { useTernStore } from '../store';
import { dispatchChat, loadContextUse, loadMessages, setReplyActionError } from './chat';
import { replaceConversation } from './conversations';
import { retryWhenReconnected } from './retry';

const { setState, getState } = useTernStore;

function setBusy(conversationId: string, busy: boolean): void {
  setState((s) => {
    const branchBusy = { ...s.branchBusy };
    if (busy) branchBusy[conversationId] = true;
    else delete branchBusy[conversationId];
    return { branchBusy };
  });
}

/** Runs a change of branch: one at a time per conversation; a failure is said in the composer. */
async function changeBranch(conversationId: string, what: string, change: () => Promise<void>): Promise<boolean> {
  const state = getState();
  if (state.branchBusy[conversationId] || selectIsReplying(state, conversationId)) return false;
  setBusy(conversationId, true);
  setReplyActionError(conversationId, null);
  try {
    await change();
    return true;
  } catch (error) {
    setReplyActionError(conversationId, `Could not ${what}: ${describeError(error)}`);
    return false;
  } finally {
    setBusy(conversationId, false);
  }
}

/** Shows another version of a message (and the branch through it); the host remembers the choice. */
export function showVersion(message: Message, versionId: string): Promise<boolean> {
  const conversationId = message.conversationId;
  return changeBranch(conversationId, 'show that version', async () => {
    replaceConversation(await getStoreApi().activateMessage({ messageId: versionId }));
    await loadMessages(conversationId);
  });
}

/** A new version of a reply, streaming in place of the one shown (which stays a version). */
export function regenerateReply(message: Message): Promise<boolean> {
  const conversationId = message.conversationId;
  const requestId = newRequestId();
  return changeBranch(conversationId, 'regenerate the reply', async () => {
    const reply = await retryWhenReconnected(() => getStoreApi().regenerateReply({ requestId, messageId: message.id }), () => {});
    dispatchChat({ type: 'regenerateAccepted', message: reply });
    void loadMessages(conversationId);
  });
}

/** Deletes a message and what follows it on its branches; the branch shown moves to its parent. */
export function deleteMessage(message: Message): Promise<boolean> {
  const conversationId = message.conversationId;
  return changeBranch(conversationId, 'delete the message', async () => {
    replaceConversation(await getStoreApi().deleteMessage({ messageId: message.id }));
    await loadMessages(conversationId);
  });
}

// ---- Editing a user message ----------------------------------------------------------------

function setEdit(conversationId: string, edit: EditState | null): void {
  setState((s) => {
    const edits = { ...s.edits };
    if (edit) edits[conversationId] = edit;
    else delete edits[conversationId];
    return { edits };
  });
}

/** Turns a user message into a text box holding its text (any other edit in the conversation ends). */
export function startEdit(message: Message): void {
  setEdit(message.conversationId, { messageId: message.id, text: message.content, status: 'editing', error: null });
}

export function setEditText(conversationId: string, text: string): void {
  const edit = getState().edits[conversationId];
  if (edit && edit.status === 'editing') setEdit(conversationId, { ...edit, text, error: null });
}

export function cancelEdit(conversationId: string): void {
  if (getState().edits[conversationId]?.status === 'editing') setEdit(conversationId, null);
}

/**
 * Sends the edited text as a new branch. It shows at once in place of the message edited; the
 * host's list follows. On failure the branch comes back as it was and the box reopens with the
 * text and the reason.
 */
export async function sendEdit(conversationId: string): Promise<boolean> {
  const state = getState();
  const edit = state.edits[conversationId];
  const text = edit?.text.trim() ?? '';
  if (!edit || edit.status !== 'editing' || !text) return false;
  if (state.branchBusy[conversationId] || selectIsReplying(state, conversationId)) return false;
  const previous: BranchMessage[] = state.messages[conversationId]?.items ?? [];
  const edited = previous.find((m) => m.id === edit.messageId);
  if (!edited) return false;
  const requestId = newRequestId();
  setEdit(conversationId, { ...edit, status: 'sending', error: null });
  setBusy(conversationId, true);
  setReplyActionError(conversationId, null);
  dispatchChat({
    type: 'editPending',
    editedId: edited.id,
    message: pendingUserMessage({ requestId, conversationId, text, parentId: edited.parentId, createdAt: Date.now() }),
  });
  try {
    const result = await retryWhenReconnected(() => getStoreApi().editMessage({ requestId, messageId: edited.id, text }), () => {});
    dispatchChat({ type: 'editAccepted', requestId, result });
    setEdit(conversationId, null);
    void loadMessages(conversationId);
    return true;
  } catch (error) {
    dispatchChat({ type: 'editFailed', conversationId, requestId, previous });
    setEdit(conversationId, { ...edit, status: 'editing', error: `Could not send the edited message: ${describeError(error)}` });
    return false;
  } finally {
    setBusy(conversationId, false);
  }
}

// ---- Opening a search hit ------------------------------------------------------------------

/**
 * Opens the conversation of a search hit on the hit's branch (made the active one), and asks for
 * the message to be brought into view (focusMessageId).
 */
export async function openSearchHit(hit: SearchHit): Promise<void> {
  const conversationId = hit.conversationId;
  setState({ selectedConversationId: conversationId, view: 'conversation', focusMessageId: null });
  void loadContextUse(conversationId);
  let activated = false;
  try {
    replaceConversation(await getStoreApi().activateMessage({ messageId: hit.messageId }));
    activated = true;
    setState({ conversationActionError: null });
  } catch (error) {
    setState({ conversationActionError: `Could not open that message: ${describeError(error)}` });
  }
  await loadMessages(conversationId);
  if (!activated || getState().selectedConversationId !== conversationId) return;
  setState({ focusMessageId: hit.messageId });
  setTimeout(() => clearFocusMessage(hit.messageId), FOCUS_MS);
}

/** How long a message opened from a search hit stays highlighted. */
export const FOCUS_MS = 2400;

/** The message asked for has been shown long enough (or can no longer be): stop asking. */
export function clearFocusMessage(messageId: string): void {
  if (getState().focusMessageId === messageId) setState({ focusMessageId: null });
}

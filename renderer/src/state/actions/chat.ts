import type { ChatStreamEvent, ContextUse, Message } from '../../lib/contract';
import { describeError } from '../../lib/errors';
import { newRequestId } from '../../lib/request-id';
import { getStoreApi } from '../api';
import { chatReducer, pendingUserMessage, type ChatAction } from '../chat-reducer';
import { selectCanSend } from '../selectors';
import type { SendState } from '../slices/chat';
import { useTernStore } from '../store';
import { retryWhenReconnected } from './retry';

const { setState, getState } = useTernStore;

/** Runs one action through the chat reducer. */
export function dispatchChat(action: ChatAction): void {
  setState((s) => {
    const messages = chatReducer(s.messages, action);
    return messages === s.messages ? s : { messages };
  });
}

const latestRequest = new Map<string, number>();
let requestCounter = 0;

/** Loads the messages of a conversation's active branch. */
export async function loadMessages(conversationId: string): Promise<void> {
  const request = ++requestCounter;
  latestRequest.set(conversationId, request);
  dispatchChat({ type: 'loading', conversationId });
  try {
    const messages = await getStoreApi().listMessages({ conversationId });
    if (latestRequest.get(conversationId) !== request) return;
    dispatchChat({ type: 'loaded', conversationId, messages });
  } catch (error) {
    if (latestRequest.get(conversationId) !== request) return;
    dispatchChat({ type: 'loadFailed', conversationId, error: describeError(error) });
  }
}

/** A chatStream event from the host. */
export function applyChatStream(event: ChatStreamEvent): void {
  dispatchChat({ type: 'stream', event });
}

export function setContextUse(use: ContextUse): void {
  setState((s) => ({ contextUse: { ...s.contextUse, [use.conversationId]: use } }));
}

/** Asks the host how much of the model's context the conversation takes. */
export async function loadContextUse(conversationId: string): Promise<void> {
  try {
    const use = await getStoreApi().getContextUse({ conversationId });
    setState((s) => ({ contextUse: { ...s.contextUse, [conversationId]: use } }));
  } catch {
    // Not worth an alarm: the meter stays as it was and a contextUse event will update it.
  }
}

export function setDraft(conversationId: string, text: string): void {
  setState((s) => ({ drafts: { ...s.drafts, [conversationId]: text } }));
}

function setSend(conversationId: string, send: SendState | null): void {
  setState((s) => {
    const sends = { ...s.sends };
    if (send) sends[conversationId] = send;
    else delete sends[conversationId];
    return { sends };
  });
}

export function dismissSendError(conversationId: string): void {
  if (getState().sends[conversationId]?.status === 'failed') setSend(conversationId, null);
}

/**
 * Sends the conversation's draft. The user's message shows at once; the draft is cleared when
 * the host accepts it. A dropped connection retries with the same requestId once it is back;
 * any other failure keeps the draft and says why. Resolves true when accepted.
 */
export async function sendMessage(conversationId: string): Promise<boolean> {
  const state = getState();
  if (!selectCanSend(state, conversationId)) return false;
  const draft = state.drafts[conversationId] ?? '';
  const text = draft.trim();
  const requestId = newRequestId();
  const items = state.messages[conversationId]?.items ?? [];
  const mark = (status: SendState['status']) => setSend(conversationId, { status, requestId, error: null });

  mark('sending');
  dispatchChat({
    type: 'sendPending',
    message: pendingUserMessage({
      requestId,
      conversationId,
      text,
      parentId: items[items.length - 1]?.id ?? null,
      createdAt: Date.now(),
    }),
  });
  try {
    const result = await retryWhenReconnected(
      () => {
        mark('sending');
        return getStoreApi().sendMessage({ requestId, conversationId, text });
      },
      () => mark('waiting'),
    );
    dispatchChat({ type: 'sendAccepted', requestId, result });
    setSend(conversationId, null);
    // Cleared unless the user has typed something else meanwhile.
    if ((getState().drafts[conversationId] ?? '') === draft) setDraft(conversationId, '');
    return true;
  } catch (error) {
    dispatchChat({ type: 'sendFailed', conversationId, requestId });
    setSend(conversationId, { status: 'failed', requestId, error: `Could not send: ${describeError(error)}` });
    return false;
  }
}

export function setReplyActionError(conversationId: string, error: string | null): void {
  setState((s) => {
    const replyActionErrors = { ...s.replyActionErrors };
    if (error) replyActionErrors[conversationId] = error;
    else delete replyActionErrors[conversationId];
    return { replyActionErrors };
  });
}

export function dismissReplyActionError(conversationId: string): void {
  setReplyActionError(conversationId, null);
}

/** Resumes an interrupted reply, with a fresh requestId (retried like Send after a drop). */
export async function continueReply(message: Message): Promise<boolean> {
  const conversationId = message.conversationId;
  const requestId = newRequestId();
  setReplyActionError(conversationId, null);
  dispatchChat({ type: 'continuePending', message });
  try {
    const continued = await retryWhenReconnected(
      () => getStoreApi().continueReply({ requestId, messageId: message.id }),
      () => {},
    );
    dispatchChat({ type: 'continueAccepted', message: continued });
    return true;
  } catch (error) {
    dispatchChat({ type: 'continueFailed', message });
    setReplyActionError(conversationId, `Could not continue the reply: ${describeError(error)}`);
    return false;
  }
}

/** Stops the conversation's reply in flight. */
export async function stopReply(conversationId: string): Promise<void> {
  try {
    await getStoreApi().stopReply({ conversationId });
  } catch (error) {
    setReplyActionError(conversationId, `Could not stop the reply: ${describeError(error)}`);
  }
}

/** Drops what the renderer holds for a conversation that is gone. */
export function forgetConversation(conversationId: string): void {
  dispatchChat({ type: 'forget', conversationId });
  setState((s) => {
    const contextUse = { ...s.contextUse };
    const drafts = { ...s.drafts };
    const sends = { ...s.sends };
    const replyActionErrors = { ...s.replyActionErrors };
    const edits = { ...s.edits };
    const branchBusy = { ...s.branchBusy };
    const readouts = { ...s.readouts };
    delete contextUse[conversationId];
    delete drafts[conversationId];
    delete sends[conversationId];
    delete replyActionErrors[conversationId];
    delete edits[conversationId];
    delete branchBusy[conversationId];
    delete readouts[conversationId];
    return { contextUse, drafts, sends, replyActionErrors, edits, branchBusy, readouts };
  });
}

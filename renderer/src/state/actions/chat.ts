import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';

const { setState } = useTernStore;

const latestRequest = new Map<string, number>();
let requestCounter = 0;

/** Loads the messages of a conversation's active branch. */
export async function loadMessages(conversationId: string): Promise<void> {
  const request = ++requestCounter;
  latestRequest.set(conversationId, request);
  setState((s) => {
    const current = s.messages[conversationId];
    return {
      messages: {
        ...s.messages,
        [conversationId]: { items: current?.items ?? [], error: null, status: current ? current.status : 'loading' },
      },
    };
  });
  try {
    const items = await getStoreApi().listMessages({ conversationId });
    if (latestRequest.get(conversationId) !== request) return;
    setState((s) => ({ messages: { ...s.messages, [conversationId]: { items, status: 'ready', error: null } } }));
  } catch (error) {
    if (latestRequest.get(conversationId) !== request) return;
    setState((s) => ({
      messages: {
        ...s.messages,
        [conversationId]: { items: s.messages[conversationId]?.items ?? [], status: 'error', error: describeError(error) },
      },
    }));
  }
}

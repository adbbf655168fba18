import type { Unsubscribe } from '../../lib/contract';
import { getStoreApi } from '../api';
import type { ConnectionState } from '../slices/connection';
import { useTernStore } from '../store';
import { loadAppInfo } from './about';
import { loadMessages } from './chat';
import { loadConversations } from './conversations';
import { refreshSearch } from './search';

const { setState, getState } = useTernStore;

/** Loads what the shell shows and follows the host's change events. Returns the unsubscribe. */
export function startSync(): Unsubscribe {
  void loadConversations();
  void loadAppInfo();
  return getStoreApi().on.conversationsChanged((event) => {
    void loadConversations();
    refreshSearch();
    if (event.reason === 'messages' && getState().selectedConversationId === event.conversationId) {
      void loadMessages(event.conversationId);
    }
  });
}

/** Records the transport's state; after a reconnect, reloads what may have changed meanwhile. */
export function setConnection(connection: ConnectionState): void {
  const before = getState().connection;
  setState({ connection });
  if (connection === 'connected' && before !== 'connected') {
    void loadConversations();
    refreshSearch();
    if (getState().appInfoStatus !== 'ready') void loadAppInfo();
    const selected = getState().selectedConversationId;
    if (selected) void loadMessages(selected);
  }
}

export function setHostTokenMissing(hostTokenMissing: boolean): void {
  setState({ hostTokenMissing });
}

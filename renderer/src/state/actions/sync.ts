import type { Unsubscribe } from '../../lib/contract';
import { getStoreApi } from '../api';
import type { ConnectionState } from '../slices/connection';
import { useTernStore } from '../store';
import { loadAppInfo } from './about';
import { refreshApiStatus, setApiStatus } from './api';
import { applyChatStream, loadContextUse, loadMessages, setContextUse } from './chat';
import { ensureCatalog } from './catalog';
import { loadConversations } from './conversations';
import { refreshDownloads } from './downloads';
import { refreshHubInfo } from './hub';
import { loadEngineStatus, loadModels, setEngineStatus, setModelList } from './models';
import { receiveAlert, refreshMonitoring, setReadouts } from './monitoring';
import { resumeWaitingRequests } from './retry';
import { refreshSearch } from './search';
import { loadSettings, setSettings } from './settings';
import { refreshTuning } from './tuning';
import { refreshUpdateStatus, setUpdateStatus } from './updates';

const { setState, getState } = useTernStore;

/** Loads what the shell shows and follows the host's change events. Returns the unsubscribe. */
export function startSync(): Unsubscribe {
  void loadConversations();
  void loadAppInfo();
  void loadModels();
  void loadEngineStatus();
  void loadSettings();
  const on = getStoreApi().on;
  const stops = [
    on.conversationsChanged((event) => {
      void loadConversations();
      refreshSearch();
      if (event.reason === 'messages' && getState().selectedConversationId === event.conversationId) {
        void loadMessages(event.conversationId);
      }
    }),
    on.chatStream(applyChatStream),
    on.contextUse(setContextUse),
    on.engineStatus(setEngineStatus),
    on.modelsChanged(setModelList),
    on.settingsChanged(setSettings),
    // Sent only while the engine works: nothing arrives (or is asked) while it is idle.
    on.readouts(setReadouts),
    on.alert(receiveAlert),
    // Sent when the local API starts or stops, its settings or key change, or its requests move.
    on.apiStatus(setApiStatus),
    // Sent when a check starts or answers, a download moves on, or the automatic check is switched.
    on.updateStatus(setUpdateStatus),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}

/** Records the transport's state; after a reconnect, reloads what may have changed meanwhile. */
export function setConnection(connection: ConnectionState): void {
  const before = getState().connection;
  setState({ connection });
  if (connection === 'connected' && before !== 'connected') {
    void loadConversations();
    refreshSearch();
    if (getState().appInfoStatus !== 'ready') void loadAppInfo();
    void loadModels();
    void loadEngineStatus();
    void loadSettings();
    refreshHubInfo();
    refreshDownloads();
    refreshTuning();
    refreshMonitoring();
    refreshApiStatus();
    refreshUpdateStatus();
    if (getState().catalogStatus === 'error') ensureCatalog();
    // The open conversation, and any whose reply was streaming, may have moved on meanwhile;
    // the others are reloaded when opened.
    const { selectedConversationId: selected, messages } = getState();
    for (const [conversationId, loaded] of Object.entries(messages)) {
      if (conversationId === selected || loaded.items.some((m) => m.status === 'streaming')) void loadMessages(conversationId);
    }
    if (selected) void loadContextUse(selected);
    resumeWaitingRequests();
  }
}

export function setHostTokenMissing(hostTokenMissing: boolean): void {
  setState({ hostTokenMissing });
}

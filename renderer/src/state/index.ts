/** The renderer's state: the store, its selectors and its module-level actions. */
export { useTernStore, resetStore, type TernState } from './store';
export { setApi } from './api';
export type { LoadStatus } from './slices/types';
export type { ConnectionState } from './slices/connection';
export type { View } from './slices/layout';
export type { ConversationMessages, EditState, SendState } from './slices/chat';
export {
  chatReducer,
  pendingMessageId,
  pendingUserMessage,
  isPendingMessage,
  type ChatAction,
  type MessagesByConversation,
} from './chat-reducer';
export * from './selectors';
export {
  loadConversations,
  selectConversation,
  createConversation,
  renameConversation,
  deleteConversation,
  dismissConversationError,
  chooseModel,
  saveConversationSettings,
} from './actions/conversations';
export {
  loadMessages,
  applyChatStream,
  loadContextUse,
  setContextUse,
  setDraft,
  sendMessage,
  dismissSendError,
  continueReply,
  stopReply,
  dismissReplyActionError,
} from './actions/chat';
export {
  loadModels,
  rescanModels,
  loadEngineStatus,
  setEngineStatus,
  loadModel,
  unloadModel,
  dismissModelError,
  moveModelsFolder,
  clearFolderMoveResult,
} from './actions/models';
export type { FolderMove } from './slices/models';
export { loadHubInfo, saveHubToken, type HubTokenOutcome } from './actions/hub';
export { loadSettings, saveSettings, resetSettings, type SettingsOutcome } from './actions/settings';
export { MAX_ATTEMPTS, RETRY_DELAY_MS } from './actions/retry';
export {
  showVersion,
  regenerateReply,
  deleteMessage,
  startEdit,
  setEditText,
  cancelEdit,
  sendEdit,
  openSearchHit,
  clearFocusMessage,
} from './actions/branches';
export {
  exportConversation,
  exportAll,
  importConversations,
  type ExportOutcome,
  type ImportOutcome,
} from './actions/history';
export { setFilter, searchMessages, cancelPendingSearch, SEARCH_DELAY_MS } from './actions/search';
export { loadAppInfo } from './actions/about';
export { showView } from './actions/layout';
export { startSync, setConnection, setHostTokenMissing } from './actions/sync';

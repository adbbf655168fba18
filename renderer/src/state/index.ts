/** The renderer's state: the store, its selectors and its module-level actions. */
export { useTernStore, resetStore, type TernState } from './store';
export { setApi } from './api';
export type { LoadStatus } from './slices/types';
export type { ConnectionState } from './slices/connection';
export type { View } from './slices/layout';
export type { ConversationMessages } from './slices/chat';
export * from './selectors';
export {
  loadConversations,
  selectConversation,
  createConversation,
  renameConversation,
  deleteConversation,
  dismissConversationError,
} from './actions/conversations';
export { loadMessages } from './actions/chat';
export { setFilter, searchMessages, cancelPendingSearch, SEARCH_DELAY_MS } from './actions/search';
export { loadAppInfo } from './actions/about';
export { showView } from './actions/layout';
export { startSync, setConnection, setHostTokenMissing } from './actions/sync';

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
export type { FitState } from './slices/catalog';
export {
  loadDownloads,
  followDownloads,
  setDownloadList,
  pauseDownload,
  resumeDownload,
  cancelDownload,
  clearDownload,
  dismissDownloadError,
  requestDownload,
  listRepoGgufFiles,
  type DownloadRequest,
  type DownloadOutcome,
  type RepoFilesOutcome,
} from './actions/downloads';
export {
  loadCatalog,
  ensureCatalog,
  checkModelFit,
  checkDownloadFit,
  ensureModelFit,
  ensureDownloadFit,
  modelFitKey,
  downloadFitKey,
  setDefaultModel,
  deleteModel,
  importModelFile,
  showModelInFolder,
  chooseModelFile,
  type ChooseFileOutcome,
  type FitOutcome,
  type ModelOutcome,
  type ImportOutcome as ModelImportOutcome,
} from './actions/catalog';
export { loadHubInfo, saveHubToken, type HubTokenOutcome } from './actions/hub';
export { loadSettings, saveSettings, resetSettings, type SettingsOutcome } from './actions/settings';
export {
  loadApiStatus,
  setApiStatus,
  updateApiSettings,
  rotateApiKey,
  dismissApiError,
  type ApiOutcome,
} from './actions/api';
export {
  loadUpdateStatus,
  setUpdateStatus,
  checkForUpdates,
  downloadUpdate,
  installUpdate,
  setAutoUpdateCheck,
  dismissUpdateError,
} from './actions/updates';
export {
  loadTuning,
  loadBenchmarks,
  followTuning,
  updateTuning,
  applyScenario,
  saveTuningProfile,
  applyTuningProfile,
  deleteTuningProfile,
  setModelProfile,
  dismissTuningError,
  runBenchmark,
  cancelBenchmark,
  applyBestThreads,
  exportBenchmark,
  showBenchmark,
  dismissBenchmarkError,
  type TuningOutcome,
  type BenchmarkExportOutcome,
} from './actions/tuning';
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
export { showView, setReadoutsShown } from './actions/layout';
export {
  setReadouts,
  receiveAlert,
  dismissAlertNotice,
  openMonitoring,
  clearMonitoringFocus,
  loadMonitoring,
  loadReplyMetrics,
  followMonitoring,
  updateMonitoring,
  resetAlertRules,
  dismissAlerts,
  dismissMonitoringError,
  exportMetrics,
  REPLY_METRICS_SHOWN,
  type MonitoringOutcome,
  type MetricsExportOutcome,
} from './actions/monitoring';
export { startSync, setConnection, setHostTokenMissing } from './actions/sync';

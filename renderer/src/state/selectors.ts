import { useShallow } from 'zustand/react/shallow';
import type { BranchMessage, ContextUse, Conversation, Download, ModelFile, Readouts } from '../lib/contract';
import type { FitState } from './slices/catalog';
import type { ConversationMessages, EditState, SendState } from './slices/chat';
import { useTernStore, type TernState } from './store';

// ---- Plain selectors (state in, value out): usable in tests and in hooks ------------------

/** Conversations whose title contains the filter text, ignoring case. */
export function selectFilteredConversations(state: TernState): Conversation[] {
  const needle = state.filter.trim().toLocaleLowerCase();
  if (!needle) return state.conversations;
  return state.conversations.filter((c) => c.title.toLocaleLowerCase().includes(needle));
}

export function selectSelectedConversation(state: TernState): Conversation | null {
  return state.conversations.find((c) => c.id === state.selectedConversationId) ?? null;
}

const NO_MESSAGES: ConversationMessages = { status: 'idle', items: [], error: null };

export function selectMessagesOf(state: TernState, conversationId: string | null): ConversationMessages {
  if (!conversationId) return NO_MESSAGES;
  return state.messages[conversationId] ?? NO_MESSAGES;
}

/** A reply is streaming in the conversation. */
export function selectIsReplying(state: TernState, conversationId: string | null): boolean {
  return selectMessagesOf(state, conversationId).items.some((m) => m.role === 'assistant' && m.status === 'streaming');
}

export function selectSendState(state: TernState, conversationId: string | null): SendState | null {
  return conversationId ? (state.sends[conversationId] ?? null) : null;
}

/**
 * Changing data is possible: the host is connected. While it is not, every action that would
 * change data is disabled rather than queued (the connection banner says so).
 */
export function selectCanChange(state: TernState): boolean {
  return state.connection === 'connected';
}

/**
 * Send is possible: connected, text typed, a model chosen, no reply streaming, no Send or change
 * of branch on its way.
 */
export function selectCanSend(state: TernState, conversationId: string | null): boolean {
  if (!conversationId) return false;
  if (!selectCanChange(state)) return false;
  const conversation = state.conversations.find((c) => c.id === conversationId);
  if (!conversation?.modelId) return false;
  if (!(state.drafts[conversationId] ?? '').trim()) return false;
  // A change of branch on its way (edit, regenerate, switch, delete) decides where a new message goes.
  if (state.branchBusy[conversationId]) return false;
  const send = selectSendState(state, conversationId);
  if (send && send.status !== 'failed') return false;
  return !selectIsReplying(state, conversationId);
}

/**
 * The branch can change now (switch version, regenerate, edit, delete): connected, no reply
 * streaming, no Send or edit on its way, no other change of branch in flight.
 */
export function selectCanChangeBranch(state: TernState, conversationId: string): boolean {
  if (!selectCanChange(state)) return false;
  if (state.branchBusy[conversationId]) return false;
  const send = selectSendState(state, conversationId);
  if (send && send.status !== 'failed') return false;
  return !selectIsReplying(state, conversationId);
}

export function selectEdit(state: TernState, conversationId: string): EditState | null {
  return state.edits[conversationId] ?? null;
}

const NO_MODELS: ModelFile[] = [];

export function selectModels(state: TernState): ModelFile[] {
  return state.modelList?.models ?? NO_MODELS;
}

export function selectModelById(state: TernState, modelId: string | null): ModelFile | null {
  if (!modelId) return null;
  return selectModels(state).find((m) => m.id === modelId) ?? null;
}

export function selectIsFiltering(state: TernState): boolean {
  return state.filter.trim().length > 0;
}

// ---- Hooks --------------------------------------------------------------------------------

/** The list's state; the filtered list itself comes from useFilteredConversations. */
export function useConversationListState() {
  return useTernStore(
    useShallow((s) => ({
      total: s.conversations.length,
      status: s.conversationsStatus,
      error: s.conversationsError,
      selectedId: s.selectedConversationId,
      filtering: selectIsFiltering(s),
    })),
  );
}

/** useShallow compares the list element by element, so a filtered copy does not re-render. */
export function useFilteredConversations(): Conversation[] {
  return useTernStore(useShallow(selectFilteredConversations));
}

export function useSearchResults() {
  return useTernStore(
    useShallow((s) => ({
      filter: s.filter,
      query: s.searchQuery,
      hits: s.searchHits,
      status: s.searchStatus,
      error: s.searchError,
    })),
  );
}

export function useSelectedConversation(): Conversation | null {
  return useTernStore(selectSelectedConversation);
}

export function useMessagesOf(conversationId: string | null): ConversationMessages {
  return useTernStore((s) => selectMessagesOf(s, conversationId));
}

export function useMessageItems(conversationId: string | null): BranchMessage[] {
  return useTernStore((s) => selectMessagesOf(s, conversationId).items);
}

export function useAppInfo() {
  return useTernStore(useShallow((s) => ({ info: s.appInfo, status: s.appInfoStatus, error: s.appInfoError })));
}

export const useFilter = () => useTernStore((s) => s.filter);
export const useView = () => useTernStore((s) => s.view);
export const useConnection = () => useTernStore((s) => s.connection);
/** Whether actions that change data are offered now (the host is connected). */
export const useCanChange = () => useTernStore(selectCanChange);
export const useHostTokenMissing = () => useTernStore((s) => s.hostTokenMissing);
export const useConversationActionError = () => useTernStore((s) => s.conversationActionError);

export function useModelList() {
  return useTernStore(
    useShallow((s) => ({ list: s.modelList, status: s.modelsStatus, error: s.modelsError, actionError: s.modelActionError })),
  );
}

export const useModels = () => useTernStore(selectModels);
export const useModel = (modelId: string | null) => useTernStore((s) => selectModelById(s, modelId));
export const useEngine = () => useTernStore((s) => s.engine);

export function useSettingsState() {
  return useTernStore(useShallow((s) => ({ settings: s.settings, status: s.settingsStatus, error: s.settingsError })));
}

export const useAppSettings = () => useTernStore((s) => s.settings);

export function useHubInfo() {
  return useTernStore(useShallow((s) => ({ info: s.hubInfo, status: s.hubInfoStatus, error: s.hubInfoError })));
}

/** The local API's status as the host reports it, how reading it went, and the last change that failed. */
export function useApiStatus() {
  return useTernStore(
    useShallow((s) => ({ status: s.apiStatus, loadStatus: s.apiStatusStatus, error: s.apiStatusError, actionError: s.apiActionError })),
  );
}

/** Updates as the host reports them, how reading them went, and the last call that was refused. */
export function useUpdateStatus() {
  return useTernStore(
    useShallow((s) => ({
      status: s.updateStatus,
      loadStatus: s.updateStatusStatus,
      error: s.updateStatusError,
      actionError: s.updateActionError,
    })),
  );
}

/** The models folder (null until the model list has come) and the move under way or just done. */
export function useModelsFolder() {
  return useTernStore(
    useShallow((s) => ({ folder: s.modelList?.folder ?? null, status: s.modelsStatus, error: s.modelsError, move: s.folderMove })),
  );
}
export const useContextUse = (conversationId: string): ContextUse | null =>
  useTernStore((s) => s.contextUse[conversationId] ?? null);
export const useDraft = (conversationId: string) => useTernStore((s) => s.drafts[conversationId] ?? '');
export const useSendState = (conversationId: string) => useTernStore((s) => selectSendState(s, conversationId));
export const useCanSend = (conversationId: string) => useTernStore((s) => selectCanSend(s, conversationId));
export const useIsReplying = (conversationId: string) => useTernStore((s) => selectIsReplying(s, conversationId));
export const useReplyActionError = (conversationId: string) =>
  useTernStore((s) => s.replyActionErrors[conversationId] ?? null);
export const useCanChangeBranch = (conversationId: string) => useTernStore((s) => selectCanChangeBranch(s, conversationId));
export const useEdit = (conversationId: string) => useTernStore((s) => selectEdit(s, conversationId));
/** The message a search hit asked to bring into view, until it has been shown. */
export const useFocusMessageId = () => useTernStore((s) => s.focusMessageId);
/** This message is the one to bring into view (a boolean, so the other messages do not re-render). */
export const useIsFocusMessage = (messageId: string) => useTernStore((s) => s.focusMessageId === messageId);

export function useDownloadsState() {
  return useTernStore(
    useShallow((s) => ({
      list: s.downloadList,
      status: s.downloadsStatus,
      error: s.downloadsError,
      actionError: s.downloadActionError,
    })),
  );
}

const NO_DOWNLOADS: Download[] = [];
export const useDownloads = () => useTernStore((s) => s.downloadList?.downloads ?? NO_DOWNLOADS);

export function useCatalogState() {
  return useTernStore(useShallow((s) => ({ entries: s.catalog, status: s.catalogStatus, error: s.catalogError })));
}

/** A fit check's state by key (modelFitKey / downloadFitKey); null: not asked yet. */
export const useFit = (key: string): FitState | null => useTernStore((s) => s.fits[key] ?? null);
export const useDefaultModelId = () => useTernStore((s) => s.modelList?.defaultModelId ?? null);

export function useTuningState() {
  return useTernStore(
    useShallow((s) => ({ tuning: s.tuning, status: s.tuningStatus, error: s.tuningError, actionError: s.tuningActionError })),
  );
}

/** The benchmark runs (newest first), the run under way and what failed last. */
export function useBenchmarkState() {
  return useTernStore(
    useShallow((s) => ({
      benchmarks: s.benchmarks,
      listError: s.benchmarksError,
      starting: s.benchmarkStarting,
      progress: s.benchmarkProgress,
      error: s.benchmarkError,
      shownId: s.shownBenchmarkId,
    })),
  );
}

// ---- Monitoring -----------------------------------------------------------------------------

/** The conversation's latest readouts (its reply streaming, or the last one); null: none since the page loaded. */
export const useReadouts = (conversationId: string): Readouts | null => useTernStore((s) => s.readouts[conversationId] ?? null);
export const useReadoutsShown = () => useTernStore((s) => s.readoutsShown);
/** The local API's latest request readouts, or null before the first since the page loaded. */
export const useApiReadouts = (): Readouts | null => useTernStore((s) => s.apiReadouts);
export const useAlertNotice = () => useTernStore((s) => s.alertNotice);
export const useMonitoringFocus = () => useTernStore((s) => s.monitoringFocus);

/**
 * The readouts are of a reply being written: not 'done', and the reply (when the list has it) is
 * still streaming — a reply that ended without its last readouts is not shown as writing.
 */
export function selectReadoutsWriting(state: TernState, conversationId: string): boolean {
  const readouts = state.readouts[conversationId];
  if (!readouts || readouts.phase === 'done') return false;
  const reply = selectMessagesOf(state, conversationId).items.find((m) => m.id === readouts.messageId);
  return !reply || reply.status === 'streaming';
}

export const useReadoutsWriting = (conversationId: string) => useTernStore((s) => selectReadoutsWriting(s, conversationId));

export function useMonitoringState() {
  return useTernStore(
    useShallow((s) => ({
      monitoring: s.monitoring,
      status: s.monitoringStatus,
      error: s.monitoringError,
      actionError: s.monitoringActionError,
    })),
  );
}

export function useReplyMetrics() {
  return useTernStore(useShallow((s) => ({ metrics: s.replyMetrics, error: s.replyMetricsError })));
}

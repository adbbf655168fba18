import { create } from 'zustand';
import { initialAboutSlice, type AboutSlice } from './slices/about';
import { initialApiSlice, type ApiSlice } from './slices/api';
import { initialCatalogSlice, type CatalogSlice } from './slices/catalog';
import { initialChatSlice, type ChatSlice } from './slices/chat';
import { initialConnectionSlice, type ConnectionSlice } from './slices/connection';
import { initialConversationsSlice, type ConversationsSlice } from './slices/conversations';
import { initialDownloadsSlice, type DownloadsSlice } from './slices/downloads';
import { initialHubSlice, type HubSlice } from './slices/hub';
import { initialLayoutSlice, type LayoutSlice } from './slices/layout';
import { initialModelsSlice, type ModelsSlice } from './slices/models';
import { initialMonitoringSlice, type MonitoringSlice } from './slices/monitoring';
import { initialSearchSlice, type SearchSlice } from './slices/search';
import { initialSettingsSlice, type SettingsSlice } from './slices/settings';
import { initialTuningSlice, type TuningSlice } from './slices/tuning';
import { initialUpdatesSlice, type UpdatesSlice } from './slices/updates';

/**
 * The renderer's one store: plain state in slices. Actions live at module level in ./actions
 * and change the store through `useTernStore.setState`.
 */
export type TernState = ConversationsSlice &
  SearchSlice &
  ChatSlice &
  ModelsSlice &
  DownloadsSlice &
  CatalogSlice &
  SettingsSlice &
  TuningSlice &
  MonitoringSlice &
  HubSlice &
  ApiSlice &
  UpdatesSlice &
  AboutSlice &
  ConnectionSlice &
  LayoutSlice;

function initialState(): TernState {
  return {
    ...initialConversationsSlice(),
    ...initialSearchSlice(),
    ...initialChatSlice(),
    ...initialModelsSlice(),
    ...initialDownloadsSlice(),
    ...initialCatalogSlice(),
    ...initialSettingsSlice(),
    ...initialTuningSlice(),
    ...initialMonitoringSlice(),
    ...initialHubSlice(),
    ...initialApiSlice(),
    ...initialUpdatesSlice(),
    ...initialAboutSlice(),
    ...initialConnectionSlice(),
    ...initialLayoutSlice(),
  };
}

export const useTernStore = create<TernState>()(() => initialState());

/** Puts the store back to where it started (tests call this between cases). */
export function resetStore(): void {
  useTernStore.setState(initialState(), true);
}

/**
 * The contract's types, as the renderer sees them. Type-only: nothing from the contract module
 * (zod schemas) is bundled into the renderer through this file.
 */
export type {
  AppInfo,
  AppSettings,
  BranchMessage,
  ChatStreamEvent,
  ContextUse,
  Conversation,
  ConversationSettings,
  CpuInfo,
  EngineStatus,
  ErrorCode,
  EventPayload,
  ExportFormat,
  ExportedFile,
  HubInfo,
  ImportResult,
  Message,
  MessageStats,
  ModelFile,
  ModelList,
  PromptFormat,
  Sampling,
  SamplingOverrides,
  SearchHit,
  SendResult,
  SettingsChanges,
  TernApi,
  Unsubscribe,
} from '../../../electron/common/contract';

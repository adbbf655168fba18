/**
 * The contract's types, as the renderer sees them. Type-only: nothing from the contract module
 * (zod schemas) is bundled into the renderer through this file.
 */
export type {
  AppInfo,
  Conversation,
  CpuInfo,
  EventPayload,
  Message,
  SearchHit,
  TernApi,
  Unsubscribe,
} from '../../../electron/common/contract';

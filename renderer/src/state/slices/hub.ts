import type { HubInfo } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface HubSlice {
  /** The Hugging Face endpoint in use and where the token comes from, as the host reports them. */
  hubInfo: HubInfo | null;
  hubInfoStatus: LoadStatus;
  hubInfoError: string | null;
}

export const initialHubSlice = (): HubSlice => ({
  hubInfo: null,
  hubInfoStatus: 'idle',
  hubInfoError: null,
});

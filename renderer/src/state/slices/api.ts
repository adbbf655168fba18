import type { ApiStatus } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface ApiSlice {
  /** The local API as the host reports it: its settings, whether it listens, its key and requests. */
  apiStatus: ApiStatus | null;
  apiStatusStatus: LoadStatus;
  apiStatusError: string | null;
  /** The last change, or key rotation, that failed, said plainly. */
  apiActionError: string | null;
}

export const initialApiSlice = (): ApiSlice => ({
  apiStatus: null,
  apiStatusStatus: 'idle',
  apiStatusError: null,
  apiActionError: null,
});

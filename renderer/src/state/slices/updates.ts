import type { UpdateStatus } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface UpdatesSlice {
  /** Updates as the host reports them: whether this run can update, the check, the download. */
  updateStatus: UpdateStatus | null;
  updateStatusStatus: LoadStatus;
  updateStatusError: string | null;
  /** The last call that was refused (a download or install at the wrong time), said plainly. */
  updateActionError: string | null;
}

export const initialUpdatesSlice = (): UpdatesSlice => ({
  updateStatus: null,
  updateStatusStatus: 'idle',
  updateStatusError: null,
  updateActionError: null,
});

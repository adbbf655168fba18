import type { DownloadList } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface DownloadsSlice {
  /** The host's downloads, as the last listDownloads or downloadsChanged said. */
  downloadList: DownloadList | null;
  downloadsStatus: LoadStatus;
  downloadsError: string | null;
  /** The last Pause, Resume, Cancel or Clear that failed, said plainly. */
  downloadActionError: string | null;
}

export const initialDownloadsSlice = (): DownloadsSlice => ({
  downloadList: null,
  downloadsStatus: 'idle',
  downloadsError: null,
  downloadActionError: null,
});

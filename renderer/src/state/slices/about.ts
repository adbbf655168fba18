import type { AppInfo } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface AboutSlice {
  appInfo: AppInfo | null;
  appInfoStatus: LoadStatus;
  appInfoError: string | null;
}

export const initialAboutSlice = (): AboutSlice => ({
  appInfo: null,
  appInfoStatus: 'idle',
  appInfoError: null,
});

import type { AppSettings } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface SettingsSlice {
  settings: AppSettings | null;
  settingsStatus: LoadStatus;
  settingsError: string | null;
}

export const initialSettingsSlice = (): SettingsSlice => ({
  settings: null,
  settingsStatus: 'idle',
  settingsError: null,
});

import { readPreference } from '../preferences';

/** Which panel the main area shows. */
export type View = 'conversation' | 'models' | 'tuning' | 'about' | 'settings';

export interface LayoutSlice {
  view: View;
  /** The live readouts column beside the conversation is shown (a preference kept on this computer). */
  readoutsShown: boolean;
}

export const initialLayoutSlice = (): LayoutSlice => ({ view: 'conversation', readoutsShown: readPreference('readoutsShown', true) });

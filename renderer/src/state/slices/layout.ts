/** Which panel the main area shows. */
export type View = 'conversation' | 'models' | 'tuning' | 'about' | 'settings';

export interface LayoutSlice {
  view: View;
}

export const initialLayoutSlice = (): LayoutSlice => ({ view: 'conversation' });

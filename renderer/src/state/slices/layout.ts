/** Which panel the main area shows. */
export type View = 'conversation' | 'about' | 'settings';

export interface LayoutSlice {
  view: View;
}

export const initialLayoutSlice = (): LayoutSlice => ({ view: 'conversation' });

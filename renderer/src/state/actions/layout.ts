import { useTernStore } from '../store';
import type { View } from '../slices/layout';

export function showView(view: View): void {
  useTernStore.setState({ view });
}

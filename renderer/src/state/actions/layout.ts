import { writePreference } from '../preferences';
import { useTernStore } from '../store';
import type { View } from '../slices/layout';

export function showView(view: View): void {
  useTernStore.setState({ view });
}

/** Shows or hides the live readouts column, and remembers the choice. */
export function setReadoutsShown(readoutsShown: boolean): void {
  useTernStore.setState({ readoutsShown });
  writePreference('readoutsShown', readoutsShown);
}

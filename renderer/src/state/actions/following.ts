import type { Unsubscribe } from '../../lib/contract';

/**
 * Events listened to only while something shows what they carry (a view, a notice): the first
 * follower starts the listening (and loads what is current), the last one to stop ends it.
 */
export function following(start: () => Unsubscribe) {
  let followers = 0;
  let stopListening: Unsubscribe | null = null;
  return {
    /** Returns the stop; calling it twice stops once. */
    follow(): Unsubscribe {
      followers += 1;
      if (followers === 1) stopListening = start();
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        followers -= 1;
        if (followers === 0) {
          stopListening?.();
          stopListening = null;
        }
      };
    },
    active: (): boolean => followers > 0,
  };
}

import { useCallback, useLayoutEffect, useRef, type RefObject } from 'react';

/** How close to the bottom (px) still counts as "at the bottom". */
const SLACK_PX = 48;

/**
 * Keeps a scroll container at the bottom while its content grows, unless the user has scrolled up;
 * following resumes when they scroll back down. `restartKey` changing (another conversation, a
 * new message sent) jumps to the bottom and follows again. Returns the container's onScroll.
 */
export function useFollowBottom(ref: RefObject<HTMLElement | null>, contentKey: unknown, restartKey: unknown): () => void {
  const following = useRef(true);

  useLayoutEffect(() => {
    following.current = true;
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [ref, restartKey]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [ref, contentKey]);

  return useCallback(() => {
    const el = ref.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= SLACK_PX;
  }, [ref]);
}

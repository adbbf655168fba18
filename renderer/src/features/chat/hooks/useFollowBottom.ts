import { useCallback, useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/** How close to the bottom (px) still counts as "at the bottom". */
const SLACK_PX = 48;

/** Keys that scroll up. */
const UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

/**
 * Keeps a scroll container at the bottom while its content grows, unless the user has scrolled up;
 * following resumes when they scroll back down. `restartKey` changing (another conversation, a
 * new message sent) jumps to the bottom and follows again. Returns the container's onScroll.
 *
 * The user stops the following (wheel, keys, dragging the scroll bar, touch), and so does code
 * scrolling up to show a message; a scroll that comes with a resize (a virtualized list correcting
 * its estimates) does not. Content that changes size on its own (a virtualized list measuring its
 * items) is followed too, through a ResizeObserver.
 */
export function useFollowBottom(ref: RefObject<HTMLElement | null>, contentKey: unknown, restartKey: unknown): () => void {
  const following = useRef(true);
  const holding = useRef(false);
  const lastTop = useRef(0);
  const lastHeight = useRef(0);

  const stick = useCallback(() => {
    const el = ref.current;
    if (!el || !following.current) return;
    lastTop.current = scrollToEnd(el);
    lastHeight.current = el.scrollHeight;
  }, [ref]);

  useLayoutEffect(() => {
    following.current = true;
    const el = ref.current;
    if (!el) return;
    lastTop.current = scrollToEnd(el);
    lastHeight.current = el.scrollHeight;
  }, [ref, restartKey]);

  useLayoutEffect(() => {
    stick();
  }, [stick, contentKey]);

  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const resize = new ResizeObserver(stick);
    const observeChildren = () => {
      for (const child of el.children) resize.observe(child);
    };
    observeChildren();
    const added = new MutationObserver(observeChildren);
    added.observe(el, { childList: true });
    return () => {
      resize.disconnect();
      added.disconnect();
    };
  }, [ref, stick]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const leave = () => {
      if (el.scrollHeight > el.clientHeight) following.current = false;
    };
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY < 0) leave();
    };
    const onKey = (event: KeyboardEvent) => {
      if (UP_KEYS.has(event.key)) leave();
    };
    const hold = () => {
      holding.current = true;
    };
    const release = () => {
      holding.current = false;
    };
    el.addEventListener('wheel', onWheel, { passive: true });
    el.addEventListener('keydown', onKey);
    el.addEventListener('pointerdown', hold);
    el.addEventListener('touchstart', hold, { passive: true });
    window.addEventListener('pointerup', release);
    window.addEventListener('touchend', release);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('keydown', onKey);
      el.removeEventListener('pointerdown', hold);
      el.removeEventListener('touchstart', hold);
      window.removeEventListener('pointerup', release);
      window.removeEventListener('touchend', release);
    };
  }, [ref]);

  return useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const top = el.scrollTop;
    const height = el.scrollHeight;
    const movedUp = top < lastTop.current;
    if (height - top - el.clientHeight <= SLACK_PX) following.current = true;
    // Up while the user holds the scroll bar, or up with nothing resized (code bringing a message
    // into view); a move that comes with a resize is a correction and changes nothing.
    else if (movedUp && (holding.current || height === lastHeight.current)) following.current = false;
    lastTop.current = top;
    lastHeight.current = height;
  }, [ref]);
}

/** Scrolls to the end; returns where that is. */
function scrollToEnd(el: HTMLElement): number {
  el.scrollTop = el.scrollHeight;
  return el.scrollTop;
}

// @vitest-environment jsdom
// useFollowBottom: the message pane follows a growing reply until the user (or code showing an
// earlier message) scrolls up; a virtualized list's corrections, which come with a resize, do not stop it.
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useFollowBottom } from '../../../renderer/src/features/chat/hooks/useFollowBottom';

const VIEWPORT = 500;

/** A scroll container whose content height is `lines * 20` px (jsdom has no layout). */
function Pane({ lines, conversation }: { lines: number; conversation: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const onScroll = useFollowBottom(ref, lines, conversation);
  return (
    <div data-testid="pane" data-lines={lines} ref={(el) => { ref.current = el; withLayout(el); }} onScroll={onScroll}>
      <p>{lines} lines</p>
    </div>
  );
}

function withLayout(el: HTMLDivElement | null): void {
  if (!el || el.dataset.layout) return;
  el.dataset.layout = 'fake';
  let top = 0;
  const height = () => Number(el.dataset.lines) * 20;
  Object.defineProperties(el, {
    clientHeight: { get: () => VIEWPORT },
    scrollHeight: { get: () => Math.max(height(), VIEWPORT) },
    scrollTop: {
      get: () => top,
      set: (value: number) => {
        top = Math.max(0, Math.min(value, Math.max(height(), VIEWPORT) - VIEWPORT));
      },
    },
  });
}

const gap = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight;

afterEach(cleanup);

describe('useFollowBottom', () => {
  it('follows the content as it grows', () => {
    const { rerender, getByTestId } = render(<Pane lines={10} conversation="a" />);
    const pane = getByTestId('pane');
    for (const lines of [40, 80, 200]) {
      rerender(<Pane lines={lines} conversation="a" />);
      expect(gap(pane)).toBe(0);
    }
  });

  it('stops when the user scrolls up with the wheel or keys, and resumes at the bottom', () => {
    const { rerender, getByTestId } = render(<Pane lines={100} conversation="a" />);
    const pane = getByTestId('pane');
    act(() => {
      pane.scrollTop -= 600;
      fireEvent.wheel(pane, { deltaY: -600 });
      fireEvent.scroll(pane);
    });
    rerender(<Pane lines={150} conversation="a" />);
    expect(gap(pane)).toBe(600 + 50 * 20);

    act(() => {
      pane.scrollTop = pane.scrollHeight;
      fireEvent.scroll(pane);
    });
    rerender(<Pane lines={160} conversation="a" />);
    expect(gap(pane)).toBe(0);

    act(() => {
      fireEvent.keyDown(pane, { key: 'PageUp' });
    });
    rerender(<Pane lines={170} conversation="a" />);
    expect(gap(pane)).toBe(200);
  });

  it('is not stopped by a correction that comes with a resize, but is by dragging the scroll bar up', () => {
    const { rerender, getByTestId } = render(<Pane lines={100} conversation="a" />);
    const pane = getByTestId('pane');
    act(() => {
      // A virtualized list re-measuring an item above: the content shrinks and the view moves up.
      pane.dataset.lines = '95';
      pane.scrollTop -= 100;
      fireEvent.scroll(pane);
    });
    rerender(<Pane lines={110} conversation="a" />);
    expect(gap(pane)).toBe(0);

    act(() => {
      fireEvent.pointerDown(pane);
      pane.scrollTop -= 300;
      fireEvent.scroll(pane);
      fireEvent.pointerUp(window);
    });
    rerender(<Pane lines={120} conversation="a" />);
    expect(gap(pane)).toBe(300 + 200);
  });

  it('stops when code brings an earlier message into view (a search hit)', () => {
    const { rerender, getByTestId } = render(<Pane lines={100} conversation="a" />);
    const pane = getByTestId('pane');
    act(() => {
      pane.scrollTop = 400;
      fireEvent.scroll(pane);
    });
    rerender(<Pane lines={110} conversation="a" />);
    expect(pane.scrollTop).toBe(400);
  });

  it('jumps to the bottom and follows again in another conversation', () => {
    const { rerender, getByTestId } = render(<Pane lines={100} conversation="a" />);
    const pane = getByTestId('pane');
    act(() => {
      pane.scrollTop = 0;
      fireEvent.wheel(pane, { deltaY: -100 });
      fireEvent.scroll(pane);
    });
    rerender(<Pane lines={100} conversation="b" />);
    expect(gap(pane)).toBe(0);
    rerender(<Pane lines={130} conversation="b" />);
    expect(gap(pane)).toBe(0);
  });
});

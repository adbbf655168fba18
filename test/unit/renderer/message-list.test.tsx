// @vitest-environment jsdom
// The message list: every message in a short conversation; only a window of a long one.
import { render, screen, waitFor, within } from '@testing-library/react';
import { VirtuosoMockContext } from 'react-virtuoso';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageList, VIRTUALIZE_FROM } from '../../../renderer/src/features/chat/components/MessageList';
import type { Message } from '../../../renderer/src/lib/contract';
import { FakeTern } from './fakeApi';
import { useFakeTern } from './setup';

function conversation(count: number, lastStatus: Message['status'] = 'complete'): Message[] {
  const fake = new FakeTern();
  return Array.from({ length: count }, (_, i) =>
    fake.addMessage('c1', i % 2 === 0 ? 'user' : 'assistant', `Message ${i + 1}`, i === count - 1 ? lastStatus : 'complete'),
  );
}

const VIEWPORT = 600;

/**
 * Gives a scroll container the layout jsdom lacks: a height, a scroll height read from what
 * Virtuoso lays out, and a scrollTo that moves and fires "scroll" like a browser.
 */
function withLayout(element: HTMLDivElement | null): void {
  if (!element || element.dataset.layout) return;
  element.dataset.layout = 'fake';
  let top = 0;
  const height = () => parseFloat((element.querySelector('[data-virtuoso-scroller]') as HTMLElement | null)?.style.height ?? '0') || 0;
  Object.defineProperties(element, {
    offsetHeight: { get: () => VIEWPORT },
    clientHeight: { get: () => VIEWPORT },
    scrollHeight: { get: () => Math.max(height(), VIEWPORT) },
    scrollTop: {
      get: () => top,
      set: (value: number) => {
        top = Math.max(0, Math.min(value, Math.max(height(), VIEWPORT) - VIEWPORT));
      },
    },
  });
  element.scrollTo = ((options?: ScrollToOptions | number) => {
    if (typeof options === 'object' && options.top !== undefined) element.scrollTop = options.top;
    element.dispatchEvent(new Event('scroll'));
  }) as typeof element.scrollTo;
}

/** The list inside a scroll container like the chat pane's, with sizes Virtuoso can use in jsdom. */
function view(messages: Message[]) {
  return (
    <VirtuosoMockContext.Provider value={{ viewportHeight: VIEWPORT, itemHeight: 100 }}>
      <div className="pane-body chat-body" ref={withLayout}>
        <MessageList messages={messages} />
      </div>
    </VirtuosoMockContext.Provider>
  );
}

const renderList = (messages: Message[]) => render(view(messages));

const contents = (list: HTMLElement) =>
  within(list)
    .getAllByRole('article')
    .map((article) => article.querySelector('.message-content')?.textContent);

/** jsdom has no ResizeObserver; Virtuoso only needs it to exist (the mock context gives sizes). */
class NoResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

describe('MessageList', () => {
  useFakeTern();
  beforeEach(() => vi.stubGlobal('ResizeObserver', NoResizeObserver));
  afterEach(() => vi.unstubAllGlobals());

  it(`renders every message of a conversation under ${VIRTUALIZE_FROM} messages`, () => {
    renderList(conversation(VIRTUALIZE_FROM - 1));
    const list = screen.getByRole('list', { name: 'Messages' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(VIRTUALIZE_FROM - 1);
    expect(contents(list)[0]).toBe('Message 1');
  });

  it('renders only a window of a 500-message conversation, at its end, as the same list of articles', async () => {
    const messages = conversation(500, 'streaming');
    renderList(messages);
    const list = await screen.findByRole('list', { name: 'Messages' });
    await waitFor(() => expect(within(list).queryAllByRole('article').length).toBeGreaterThan(0));
    expect(list.tagName).toBe('OL');
    const shown = within(list).getAllByRole('article');
    console.log(`500 messages: ${shown.length} in the DOM (${shown[0]?.querySelector('.message-content')?.textContent} to ${shown.at(-1)?.querySelector('.message-content')?.textContent})`);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(40);
    expect(within(list).getAllByRole('listitem')).toHaveLength(shown.length);
    const texts = contents(list);
    expect(texts).toContain('Message 500');
    expect(texts).not.toContain('Message 1');
    const last = shown[shown.length - 1];
    expect(last?.getAttribute('data-role')).toBe('assistant');
    expect(last?.getAttribute('data-status')).toBe('streaming');
  });

  it('renders every message when there is no ResizeObserver to measure with', () => {
    vi.unstubAllGlobals();
    renderList(conversation(VIRTUALIZE_FROM + 5));
    expect(within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('article')).toHaveLength(VIRTUALIZE_FROM + 5);
  });

  it('shows new messages of a long conversation as they come', async () => {
    const messages = conversation(120);
    const { rerender } = renderList(messages);
    await waitFor(() => expect(contents(screen.getByRole('list', { name: 'Messages' }))).toContain('Message 120'));
    const more = [...messages, ...conversation(122).slice(120).map((m, i) => ({ ...m, id: `new${i}`, content: `New ${i}` }))];
    rerender(view(more));
    await waitFor(() => expect(contents(screen.getByRole('list', { name: 'Messages' }))).toContain('New 1'));
    const texts = contents(screen.getByRole('list', { name: 'Messages' }));
    expect(texts.length).toBeLessThan(40);
  });
});

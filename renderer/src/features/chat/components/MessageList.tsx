/**
 * The conversation's messages, oldest first, as a list named "Messages" of <article>s (MessageItem).
 * Short conversations render every message; from VIRTUALIZE_FROM messages on, react-virtuoso renders
 * only those near the viewport, inside the pane's own scroll container (found from the list), and
 * keeps following the end while the user is at the bottom. A message asked for (a search hit,
 * focusMessageId) is scrolled to, so that it is rendered and MessageItem can bring it into view.
 * Only the last reply can be continued. Without ResizeObserver (jsdom) every message is rendered.
 */
import { useEffect, useLayoutEffect, useRef, useState, type Ref } from 'react';
import { Virtuoso, type Components, type FollowOutput, type VirtuosoHandle } from 'react-virtuoso';
import type { Message } from '../../../lib/contract';
import { useFocusMessageId } from '../../../state';
import { MessageItem } from './MessageItem';

/** From this many messages on, only a window of them is rendered. */
export const VIRTUALIZE_FROM = 60;

export function MessageList({ messages }: { messages: Message[] }) {
  // Virtuoso measures with ResizeObserver; where there is none (jsdom), every message is rendered.
  const virtual = messages.length >= VIRTUALIZE_FROM && typeof ResizeObserver !== 'undefined';
  // Keyed by conversation, so another conversation opens at its end (initialTopMostItemIndex).
  return virtual ? <VirtualMessages key={messages[0]?.conversationId} messages={messages} /> : <AllMessages messages={messages} />;
}

function AllMessages({ messages }: { messages: Message[] }) {
  const last = messages[messages.length - 1];
  return (
    <ol className="message-list" aria-label="Messages">
      {messages.map((message) => (
        <li key={message.id} className="message-item">
          <MessageItem message={message} isLast={message === last} />
        </li>
      ))}
    </ol>
  );
}

const VIRTUAL_COMPONENTS: Components<Message> = {
  // Virtuoso types its list element as a div or ul; an ol is the same to it (an HTMLElement).
  List: ({ ref, style, children }) => (
    <ol ref={ref as unknown as Ref<HTMLOListElement>} style={style} className="message-list message-list-virtual" aria-label="Messages">
      {children}
    </ol>
  ),
  Item: ({ item: _item, children, ...rest }) => (
    <li {...rest} className="message-item">
      {children}
    </li>
  ),
};

/** How close to the bottom (px) still counts as at the bottom (as in useFollowBottom). */
const AT_BOTTOM_PX = 48;

/** Follow new output only while the user is at the bottom (scrolling up stops it). */
const followWhenAtBottom: FollowOutput = (atBottom) => (atBottom ? 'auto' : false);

function VirtualMessages({ messages }: { messages: Message[] }) {
  const anchor = useRef<HTMLDivElement>(null);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  useLayoutEffect(() => setScroller(scrollParentOf(anchor.current)), []);
  const last = messages[messages.length - 1];
  const focusId = useFocusMessageId();
  const focusIndex = focusId === null ? -1 : messages.findIndex((message) => message.id === focusId);

  useEffect(() => {
    if (focusIndex >= 0) virtuoso.current?.scrollToIndex({ index: focusIndex, align: 'center' });
  }, [focusIndex, scroller]);

  return (
    <div ref={anchor} className="message-list-anchor">
      {scroller && (
        <Virtuoso
          ref={virtuoso}
          customScrollParent={scroller}
          data={messages}
          computeItemKey={(_index, message) => message.id}
          itemContent={(_index, message) => <MessageItem message={message} isLast={message === last} />}
          components={VIRTUAL_COMPONENTS}
          followOutput={followWhenAtBottom}
          atBottomThreshold={AT_BOTTOM_PX}
          initialTopMostItemIndex={focusIndex >= 0 ? { index: focusIndex, align: 'center' } : { index: 'LAST', align: 'end' }}
          increaseViewportBy={{ top: 800, bottom: 400 }}
        />
      )}
    </div>
  );
}

/** The nearest scrolling ancestor; without layout information (tests), the parent element. */
function scrollParentOf(element: HTMLElement | null): HTMLElement | null {
  if (!element) return null;
  for (let node = element.parentElement; node; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if (overflow === 'auto' || overflow === 'scroll' || overflow === 'overlay') return node;
  }
  return element.parentElement;
}

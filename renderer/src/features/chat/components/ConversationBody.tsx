import { useRef } from 'react';
import type { Message } from '../../../lib/contract';
import { useMessagesOf, useModelList } from '../../../state';
import { useFollowBottom } from '../hooks/useFollowBottom';
import { MessageList } from './MessageList';
import { NoModelsNotice } from './NoModelsNotice';

/** What changes as a reply streams: the count and the last message's length and status. */
function contentKey(items: Message[]): string {
  const last = items[items.length - 1];
  return last ? `${items.length}:${last.id}:${last.content.length}:${last.status}` : '0';
}

function lastUserMessageId(items: Message[]): string | null {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]?.role === 'user') return items[i]?.id ?? null;
  return null;
}

/** The scrolling part of the conversation: its messages, or what to do first. */
export function ConversationBody({ conversationId }: { conversationId: string }) {
  const { status, items, error } = useMessagesOf(conversationId);
  const { list } = useModelList();
  const scrollRef = useRef<HTMLDivElement>(null);
  const onScroll = useFollowBottom(scrollRef, contentKey(items), `${conversationId}:${lastUserMessageId(items)}`);
  const noModels = list !== null && list.models.length === 0;

  return (
    <div className="pane-body chat-body" ref={scrollRef} onScroll={onScroll}>
      {status === 'error' && (
        <p className="notice notice-error" role="alert">
          Could not load the messages: {error}
        </p>
      )}
      {status === 'loading' && items.length === 0 && <p className="list-note">Loading messages…</p>}
      {items.length > 0 && <MessageList messages={items} />}
      {noModels && <NoModelsNotice folder={list.folder} scanning={list.scanning} compact={items.length > 0} />}
      {!noModels && list !== null && status === 'ready' && items.length === 0 && (
        <p className="chat-empty">Ask anything. Replies are written on this computer, by the model you choose above.</p>
      )}
    </div>
  );
}

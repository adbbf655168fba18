import { openSearchHit, useSearchResults } from '../../../state';
import { Snippet } from './Snippet';

const ROLE_LABEL = { user: 'You', assistant: 'Assistant', system: 'System' } as const;

/**
 * Messages whose text matches the filter (full-text search in the host's store, every branch).
 * A hit opens its conversation on the hit's branch, scrolled to the message.
 */
export function MessageHits() {
  const { filter, query, hits, status, error } = useSearchResults();
  if (!filter.trim()) return null;

  return (
    <section className="message-hits" aria-label="Matching messages" aria-busy={status === 'loading'}>
      <h2 className="list-heading">In messages</h2>
      {status === 'error' ? (
        <p className="list-note notice-error" role="alert">
          Search failed: {error}
        </p>
      ) : hits.length === 0 ? (
        <p className="list-note">{status === 'ready' && query ? 'No messages match.' : 'Searching…'}</p>
      ) : (
        <ul className="hit-list">
          {hits.map((hit) => (
            <li key={hit.messageId}>
              <button type="button" className="hit" onClick={() => void openSearchHit(hit)}>
                <span className="hit-title">{hit.conversationTitle}</span>
                <span className="hit-snippet">
                  <span className="hit-role">{ROLE_LABEL[hit.role]}:</span> <Snippet text={hit.snippet} />
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import { describeError } from '../../lib/errors';
import { getStoreApi } from '../api';
import { useTernStore } from '../store';

const { setState, getState } = useTernStore;

/** How long typing must pause before message text is searched. */
export const SEARCH_DELAY_MS = 200;
const SEARCH_LIMIT = 20;

let timer: ReturnType<typeof setTimeout> | null = null;
let searchRequest = 0;

/** Sets the sidebar filter: titles filter at once, message text is searched after a pause. */
export function setFilter(filter: string): void {
  setState({ filter });
  cancelPendingSearch();
  const query = filter.trim();
  if (!query) {
    searchRequest++;
    setState({ searchQuery: '', searchHits: [], searchStatus: 'idle', searchError: null });
    return;
  }
  timer = setTimeout(() => {
    timer = null;
    void searchMessages(query);
  }, SEARCH_DELAY_MS);
}

export function cancelPendingSearch(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

/** Searches message text now; an answer to an older query is dropped. */
export async function searchMessages(query: string): Promise<void> {
  const request = ++searchRequest;
  setState({ searchStatus: 'loading', searchError: null });
  try {
    const hits = await getStoreApi().searchMessages({ query, limit: SEARCH_LIMIT });
    if (request !== searchRequest) return;
    setState({ searchQuery: query, searchHits: hits, searchStatus: 'ready' });
  } catch (error) {
    if (request !== searchRequest) return;
    setState({ searchQuery: query, searchHits: [], searchStatus: 'error', searchError: describeError(error) });
  }
}

/** Runs the current filter's search again (after the data changed). */
export function refreshSearch(): void {
  const query = getState().filter.trim();
  if (query) void searchMessages(query);
}

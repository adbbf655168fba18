import type { SearchHit } from '../../lib/contract';
import type { LoadStatus } from './types';

export interface SearchSlice {
  /** The sidebar's filter text: filters titles, and searches message text. */
  filter: string;
  /** The query the hits below answer (the filter, trimmed, when the search ran). */
  searchQuery: string;
  searchHits: SearchHit[];
  searchStatus: LoadStatus;
  searchError: string | null;
}

export const initialSearchSlice = (): SearchSlice => ({
  filter: '',
  searchQuery: '',
  searchHits: [],
  searchStatus: 'idle',
  searchError: null,
});

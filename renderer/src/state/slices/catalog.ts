import type { CatalogEntry, Fit } from '../../lib/contract';
import type { LoadStatus } from './types';

/** One fit check: asked, answered, or failed. */
export type FitState = { status: 'loading' } | { status: 'ready'; fit: Fit } | { status: 'error'; error: string };

export interface CatalogSlice {
  /** The models Tern offers to download. */
  catalog: CatalogEntry[] | null;
  catalogStatus: LoadStatus;
  catalogError: string | null;
  /**
   * Fit checks, asked lazily and kept: 'model:<id>' for an installed model (checkModelFit),
   * 'download:<source>' before a download (checkDownloadFit).
   */
  fits: Record<string, FitState>;
}

export const initialCatalogSlice = (): CatalogSlice => ({
  catalog: null,
  catalogStatus: 'idle',
  catalogError: null,
  fits: {},
});

import { useEffect } from 'react';
import type { CatalogEntry } from '../lib/contract';
import { isDownloadOf } from '../lib/download-words';
import { formatBytes } from '../lib/format';
import { downloadFitKey, ensureDownloadFit, useDownloads, useFit } from '../state';
import { useRequestDownload } from './useRequestDownload';

/**
 * A catalog entry as a Download button sees it: its source, its fit (asked for once), its size
 * once the hub has said, its download if one exists, and the request flow (fit, then add).
 */
export function useCatalogEntry(entry: CatalogEntry) {
  const source = `${entry.repo}/${entry.file}`;
  const fit = useFit(downloadFitKey({ source }));
  const download = useDownloads().find((d) => isDownloadOf(d, entry.repo, entry.file)) ?? null;
  const request = useRequestDownload();

  useEffect(() => {
    ensureDownloadFit({ source });
  }, [source]);

  const size = fit?.status === 'ready' && fit.fit.fileBytes !== null ? formatBytes(fit.fit.fileBytes) : null;
  return { source, fit, size, download, ...request };
}

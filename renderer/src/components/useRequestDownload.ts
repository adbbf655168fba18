import { useCallback, useRef, useState } from 'react';
import type { Download, Fit } from '../lib/contract';
import { requestDownload, type DownloadRequest } from '../state';

/** Where asking for one download stands: the fit check and add, a too-large verdict to confirm, the outcome. */
export type DownloadFlow =
  | { phase: 'idle' }
  | { phase: 'working' }
  | { phase: 'too-large'; fit: Fit }
  | { phase: 'added'; download: Download; fit: Fit }
  | { phase: 'error'; error: string };

/**
 * Asks for a download the way every Download button does: the fit check first, added at once
 * when it fits (or is tight), held for "Download anyway" when it is too large.
 */
export function useRequestDownload() {
  const [flow, setFlow] = useState<DownloadFlow>({ phase: 'idle' });
  const current = useRef<DownloadRequest | null>(null);

  const run = useCallback(async (request: DownloadRequest, override: boolean) => {
    current.current = request;
    setFlow({ phase: 'working' });
    const outcome = await requestDownload(request, override);
    if (current.current !== request) return;
    if (outcome.kind === 'added') setFlow({ phase: 'added', download: outcome.download, fit: outcome.fit });
    else if (outcome.kind === 'too-large') setFlow({ phase: 'too-large', fit: outcome.fit });
    else setFlow({ phase: 'error', error: outcome.error });
  }, []);

  const start = useCallback((request: DownloadRequest) => run(request, false), [run]);
  const confirm = useCallback(() => (current.current ? run(current.current, true) : Promise.resolve()), [run]);
  const reset = useCallback(() => {
    current.current = null;
    setFlow({ phase: 'idle' });
  }, []);

  return { flow, start, confirm, reset };
}

import { useEffect, useId } from 'react';
import { NumberField } from '../../../components/NumberField';
import type { HubInfo } from '../../../lib/contract';
import { PARALLEL_RULE } from '../../../lib/downloads-form';
import { loadHubInfo, useHubInfo } from '../../../state';
import { HubTokenSettings } from './HubTokenSettings';
import { ModelsFolderSettings } from './ModelsFolderSettings';

export interface DownloadsFieldErrors {
  parallelDownloads?: string | undefined;
  hubEndpoint?: string | undefined;
}

interface DownloadsSectionProps {
  parallelDownloads: string;
  hubEndpoint: string;
  errors: DownloadsFieldErrors;
  onParallelDownloads: (value: string) => void;
  onHubEndpoint: (value: string) => void;
}

const ENDPOINT_FROM: Record<HubInfo['endpointFrom'], string> = {
  default: 'default',
  env: 'from HF_ENDPOINT',
  setting: 'this setting',
};

/**
 * Downloads and models: how many downloads run at once and the hub's endpoint (saved with the
 * form's Save), the token for gated repositories and the models folder (each with its own action).
 */
export function DownloadsSection({ parallelDownloads, hubEndpoint, errors, onParallelDownloads, onHubEndpoint }: DownloadsSectionProps) {
  const titleId = useId();
  const endpointId = useId();
  const hub = useHubInfo();

  // Read each time Settings opens: the endpoint in use and the token depend on the host's environment.
  useEffect(() => {
    void loadHubInfo();
  }, []);

  const endpointError = errors.hubEndpoint;
  const describedBy = [endpointError ? `${endpointId}-error` : null, `${endpointId}-hint`, `${endpointId}-in-use`].filter(Boolean).join(' ');

  return (
    <section className="settings-section" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title">
        Downloads and models
      </h3>
      <div className="field-grid downloads-grid">
        <NumberField
          label="Downloads at once"
          value={parallelDownloads}
          inputMode="decimal"
          onChange={(e) => onParallelDownloads(e.target.value)}
          min={PARALLEL_RULE.min}
          max={PARALLEL_RULE.max}
          step={1}
          hint="The others wait their turn."
          error={errors.parallelDownloads}
        />
        <div className={endpointError ? 'field endpoint-field invalid' : 'field endpoint-field'}>
          <label htmlFor={endpointId} className="field-label">
            Hugging Face endpoint
          </label>
          <input
            id={endpointId}
            className="field-input"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            maxLength={2048}
            value={hubEndpoint}
            placeholder="Default"
            aria-invalid={endpointError ? true : undefined}
            aria-describedby={describedBy}
            onChange={(e) => onHubEndpoint(e.target.value)}
          />
          {endpointError && (
            <p id={`${endpointId}-error`} className="field-error">
              {endpointError}
            </p>
          )}
          <p id={`${endpointId}-hint`} className="field-hint">
            Empty: the HF_ENDPOINT variable if set, else https://huggingface.co.
          </p>
          <p id={`${endpointId}-in-use`} className="field-hint in-use" aria-live="polite">
            {hub.info ? (
              `In use: ${hub.info.endpoint} (${ENDPOINT_FROM[hub.info.endpointFrom]})`
            ) : hub.status === 'error' ? (
              'In use: unknown (the host did not say).'
            ) : (
              'In use: …'
            )}
          </p>
        </div>
      </div>
      <HubTokenSettings />
      <ModelsFolderSettings />
    </section>
  );
}

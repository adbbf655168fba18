import { useEffect, useId, useRef } from 'react';
import { DismissibleError } from '../../../components/DismissibleError';
import { Icon } from '../../../components/Icon';
import { RELOAD_NOTE } from '../../../lib/tuning-words';
import { dismissTuningError, followMonitoring, followTuning, loadTuning, useTuningState } from '../../../state';
import { BenchmarkSection } from './BenchmarkSection';
import { MonitoringSection } from './MonitoringSection';
import { ProfilesSection } from './ProfilesSection';
import { ScenarioPicker } from './ScenarioPicker';
import { ThreadsField } from './ThreadsField';
import { ValuesFields } from './ValuesFields';
import '../../../styles/tuning.css';
import '../../../styles/monitoring.css';

const RELOAD_NAMES = { contextTokens: 'context', promptBatch: 'prompt micro-batch', headType: 'head precision' } as const;

/** Tuning: CPU threads, the scenarios against the product brief, the other values, profiles and the benchmark. */
export function TuningPanel({ onClose }: { onClose: () => void }) {
  const { tuning, status, error, actionError } = useTuningState();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const ids = { threads: useId(), scenario: useId(), values: useId(), profiles: useId(), bench: useId() };

  useEffect(() => {
    headingRef.current?.focus();
    const stopTuning = followTuning();
    const stopMonitoring = followMonitoring();
    return () => {
      stopTuning();
      stopMonitoring();
    };
  }, []);

  const pending = tuning?.pendingReload ?? [];
  return (
    <section
      className="pane tuning"
      aria-labelledby="tuning-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) onClose();
      }}
    >
      <header className="pane-header">
        <div className="pane-heading">
          <h2 id="tuning-title" className="pane-title" tabIndex={-1} ref={headingRef}>
            Tuning
          </h2>
          <p className="pane-subtitle">How the engine runs here: threads, scenarios, saved profiles, a benchmark that says what is best, and monitoring.</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close Tuning" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="pane-body tuning-body">
        {status === 'error' && !tuning && (
          <div className="notice notice-error" role="alert">
            <span>Could not read the tuning: {error}</span>
            <button type="button" className="button" onClick={() => void loadTuning()}>
              Try again
            </button>
          </div>
        )}
        {!tuning && status !== 'error' && <p className="list-note">Reading the tuning…</p>}
        {tuning && (
          <div className="tuning-content">
            <DismissibleError message={actionError} onDismiss={dismissTuningError} className="tuning-notice" />
            {pending.length > 0 && (
              <p className="notice tuning-pending" role="status">
                Changed {pending.map((key) => RELOAD_NAMES[key]).join(', ')}: {RELOAD_NOTE}.
              </p>
            )}
            <section className="tuning-section" aria-labelledby={ids.threads}>
              <h3 id={ids.threads} className="section-title">
                CPU threads
              </h3>
              <ThreadsField tuning={tuning} />
            </section>
            <section className="tuning-section" aria-labelledby={ids.scenario}>
              <h3 id={ids.scenario} className="section-title">
                Scenarios
              </h3>
              <ScenarioPicker tuning={tuning} />
            </section>
            <section className="tuning-section" aria-labelledby={ids.values}>
              <h3 id={ids.values} className="section-title">
                Values
              </h3>
              <ValuesFields tuning={tuning} />
            </section>
            <section className="tuning-section" aria-labelledby={ids.profiles}>
              <h3 id={ids.profiles} className="section-title">
                Profiles
              </h3>
              <ProfilesSection tuning={tuning} />
            </section>
            <section className="tuning-section" aria-labelledby={ids.bench}>
              <h3 id={ids.bench} className="section-title">
                Benchmark
              </h3>
              <BenchmarkSection tuning={tuning} />
            </section>
            <MonitoringSection />
          </div>
        )}
      </div>
    </section>
  );
}

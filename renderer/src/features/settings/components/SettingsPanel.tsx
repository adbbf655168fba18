import { useEffect, useRef } from 'react';
import { Icon } from '../../../components/Icon';
import { loadSettings, useSettingsState } from '../../../state';
import { LocalApiSection } from './LocalApiSection';
import { SettingsForm } from './SettingsForm';
import { UpdatesSection } from './UpdatesSection';

/** The app's settings: conversation defaults, the engine's housekeeping, downloads, the models folder, the local API and updates. */
export function SettingsPanel({ onClose }: { onClose: () => void }) {
  const { settings, status, error } = useSettingsState();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section
      className="pane settings"
      aria-labelledby="settings-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) onClose();
      }}
    >
      <header className="pane-header">
        <div className="pane-heading">
          <h2 id="settings-title" className="pane-title" tabIndex={-1} ref={headingRef}>
            Settings
          </h2>
          <p className="pane-subtitle">
            Defaults for every conversation (a conversation can set its own), downloads, the models folder, the local API and updates.
          </p>
        </div>
        <button type="button" className="icon-button" aria-label="Close Settings" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="pane-body">
        {status === 'error' && !settings && (
          <div className="notice notice-error" role="alert">
            <span>Could not read the settings: {error}</span>
            <button type="button" className="button" onClick={() => void loadSettings()}>
              Try again
            </button>
          </div>
        )}
        {!settings && status !== 'error' && <p className="list-note">Reading the settings…</p>}
        {settings && <SettingsForm settings={settings} />}
        {/* Outside the form: each of their changes goes to the host at once, without Save. */}
        <LocalApiSection />
        <UpdatesSection />
      </div>
    </section>
  );
}

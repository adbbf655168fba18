import { useEffect, useRef } from 'react';
import { Icon } from '../../../components/Icon';
import { loadAppInfo, useAppInfo } from '../../../state';
import { AppDetails } from './AppDetails';
import { CpuDetails } from './CpuDetails';

/** What Tern is running as and on: straight from the host's getAppInfo. */
export function AboutPanel({ onClose }: { onClose: () => void }) {
  const { info, status, error } = useAppInfo();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section
      className="pane about"
      aria-labelledby="about-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="pane-header">
        <h2 id="about-title" className="pane-title" tabIndex={-1} ref={headingRef}>
          About Tern
        </h2>
        <button type="button" className="icon-button" aria-label="Close About" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="pane-body">
        {status === 'error' && (
          <div className="notice notice-error" role="alert">
            <span>Could not read the app information: {error}</span>
            <button type="button" className="button" onClick={() => void loadAppInfo()}>
              Try again
            </button>
          </div>
        )}
        {!info && status !== 'error' && <p className="list-note">Reading the app information…</p>}
        {info && (
          <>
            <AppDetails info={info} />
            <CpuDetails info={info} />
          </>
        )}
      </div>
    </section>
  );
}

import { useEffect, useId, useRef } from 'react';
import { Icon } from '../../../components/Icon';
import { ensureCatalog, followDownloads } from '../../../state';
import { AddModelBox } from './AddModelBox';
import { CatalogList } from './CatalogList';
import { DownloadsList } from './DownloadsList';
import { ImportModelBox } from './ImportModelBox';
import { InstalledModels } from './InstalledModels';
import '../../../styles/models.css';

/** The models: installed ones, downloads, the catalog, and ways to add more. */
export function ModelsPanel({ onClose }: { onClose: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const ids = { installed: useId(), downloads: useId(), catalog: useId(), add: useId(), import: useId() };

  useEffect(() => {
    headingRef.current?.focus();
    ensureCatalog();
    return followDownloads();
  }, []);

  return (
    <section
      className="pane models"
      aria-labelledby="models-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) onClose();
      }}
    >
      <header className="pane-header">
        <div className="pane-heading">
          <h2 id="models-title" className="pane-title" tabIndex={-1} ref={headingRef}>
            Models
          </h2>
          <p className="pane-subtitle">The models on this computer, their downloads, and more to get.</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close Models" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="pane-body models-body">
        <section className="models-section" aria-labelledby={ids.installed}>
          <h3 id={ids.installed} className="section-title">
            Installed models
          </h3>
          <InstalledModels />
        </section>
        <section className="models-section" aria-labelledby={ids.downloads}>
          <h3 id={ids.downloads} className="section-title">
            Downloads
          </h3>
          <DownloadsList />
        </section>
        <section className="models-section" aria-labelledby={ids.catalog}>
          <h3 id={ids.catalog} className="section-title">
            Get a model
          </h3>
          <CatalogList />
        </section>
        <section className="models-section" aria-labelledby={ids.add}>
          <h3 id={ids.add} className="section-title">
            Add from Hugging Face or a URL
          </h3>
          <AddModelBox />
        </section>
        <section className="models-section" aria-labelledby={ids.import}>
          <h3 id={ids.import} className="section-title">
            Import a file
          </h3>
          <ImportModelBox />
        </section>
      </div>
    </section>
  );
}

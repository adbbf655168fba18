import type { AppInfo } from '../../../lib/contract';

const HOST_LABEL: Record<AppInfo['host'], string> = {
  electron: 'Desktop app',
  headless: 'Headless host (tern serve)',
};

function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

export function AppDetails({ info }: { info: AppInfo }) {
  return (
    <section className="about-section" aria-labelledby="about-app">
      <h3 id="about-app" className="section-title">
        Application
      </h3>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{info.name}</dd>
        <dt>Version</dt>
        <dd>{info.version}</dd>
        <dt>Host</dt>
        <dd>{HOST_LABEL[info.host]}</dd>
        <dt>Platform</dt>
        <dd>
          {info.platform} ({info.arch})
        </dd>
        <dt>Data directory</dt>
        <dd>
          <code>{info.dataDir}</code>
        </dd>
        <dt>Memory</dt>
        <dd>{formatBytes(info.totalMemoryBytes)}</dd>
      </dl>
    </section>
  );
}

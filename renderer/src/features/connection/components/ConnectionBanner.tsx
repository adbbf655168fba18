import { useConnection, useHostTokenMissing } from '../../../state';

/** Says so, plainly, while the link to the host is down. Nothing when connected. */
export function ConnectionBanner() {
  const connection = useConnection();
  const tokenMissing = useHostTokenMissing();

  if (tokenMissing) {
    return (
      <div className="banner banner-warning" role="alert">
        This page was opened without the host’s access token. Open the full address that <code>tern serve</code>{' '}
        printed (it ends in <code>?token=…</code>).
      </div>
    );
  }
  if (connection === 'connected') return null;
  const reconnecting = connection === 'reconnecting';
  return (
    <div className={reconnecting ? 'banner banner-warning' : 'banner banner-info'} role="status" aria-live="polite">
      <span className="banner-dot" aria-hidden="true" />
      <span>
        {reconnecting
          ? 'Lost the connection to the Tern host. Reconnecting… Changes cannot be saved until it is back. If the host was restarted on another port, open the address it printed.'
          : 'Connecting to the Tern host…'}
      </span>
    </div>
  );
}

import { useConnection, useHostTokenMissing } from '../../../state';

/**
 * Says so, plainly, while the link to the host is down, and that changes are off until it is
 * back (the buttons that change data are disabled meanwhile). Nothing when connected.
 */
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
  if (connection === 'refused') {
    return (
      <div className="banner banner-warning" role="alert">
        <span>
          The Tern host refused this page’s access token: this page was opened with an old or wrong address. Open the
          address the host printed when it started (<code>Tern is serving on http://…/?token=…</code>); if you have
          lost it, restart the host with <code>tern serve --new-token</code> to make a new one (pages opened with the
          old one stop working). Then reload this page with the new address. Nothing can be loaded or changed until
          then.
        </span>
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
          ? 'Lost the connection to the Tern host. Reconnecting… Changes are off until it is back (the buttons that need the host are disabled meanwhile). If the host was restarted on another port, open the address it printed.'
          : 'Connecting to the Tern host… Changes are off until it is connected.'}
      </span>
    </div>
  );
}

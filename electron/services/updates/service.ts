/**
 * The update service: the state of checking, downloading and installing a new version, sent as
 * the updateStatus event on every change. Nothing happens by itself but the automatic check, and
 * only while the user has it on: a check never downloads, a download never installs. Without an
 * updater (the headless host, a run from source, no repository) every call answers the status
 * with the reason and nothing touches the network.
 */
import { TernError, type UpdateState, type UpdateStatus } from '../../common/contract';
import type { EventBus } from '../dispatcher';
import type { SettingsService } from '../settings';
import { describeUpdateError } from './errors';
import type { FoundUpdate, UpdateSource } from './updater';

/** The first automatic check, after start (or after switching it on): late enough not to slow the start. */
export const FIRST_AUTO_CHECK_MS = 30_000;
/** Then once a day while the app runs. */
export const AUTO_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface UpdateServiceDeps {
  currentVersion: string;
  source: UpdateSource;
  /** Where the automatic check's switch is saved. */
  settings: Pick<SettingsService, 'autoUpdateCheck' | 'setAutoUpdateCheck'>;
  events: Pick<EventBus, 'emit'>;
  log?: (message: string) => void;
  /** The clock of lastCheckedAt (tests); Date.now otherwise. */
  now?: () => number;
}

export class UpdateService {
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private state: UpdateState = 'idle';
  private found: FoundUpdate | null = null;
  private progress: number | null = null;
  private error: string | null = null;
  private lastCheckedAt: number | null = null;
  private checking: Promise<UpdateStatus> | null = null;
  private downloading: Promise<UpdateStatus> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly deps: UpdateServiceDeps) {
    this.log = deps.log ?? (() => undefined);
    this.now = deps.now ?? Date.now;
  }

  /** Starts the automatic check when it is on (the first one FIRST_AUTO_CHECK_MS from now). */
  start(): void {
    this.schedule(FIRST_AUTO_CHECK_MS);
  }

  status(): UpdateStatus {
    const { source } = this.deps;
    const enabled = source.updater !== null;
    return {
      currentVersion: this.deps.currentVersion,
      enabled,
      reason: source.updater === null ? source.reason : null,
      autoCheck: this.deps.settings.autoUpdateCheck(),
      state: this.state,
      availableVersion: this.found?.version ?? null,
      releaseNotes: this.found?.releaseNotes ?? null,
      progress: this.progress,
      error: this.error,
      lastCheckedAt: this.lastCheckedAt,
      releasePageUrl: source.releasePageUrl,
      canInstall: source.updater !== null && source.canInstall,
    };
  }

  /** Asks for a newer version. A check under way is joined; a download under way or done is kept. */
  check(): Promise<UpdateStatus> {
    const updater = this.deps.source.updater;
    if (!updater || this.closed || this.state === 'downloading' || this.state === 'downloaded') return Promise.resolve(this.status());
    this.checking ??= (async () => {
      this.set({ state: 'checking', error: null });
      try {
        const found = await updater.check();
        this.found = found;
        this.lastCheckedAt = this.now();
        this.log(found ? `updates: version ${found.version} is available` : 'updates: up to date');
        return this.set({ state: found ? 'available' : 'up-to-date', progress: null });
      } catch (error) {
        this.found = null;
        this.log(`updates: checking: ${error instanceof Error ? error.message : String(error)}`);
        return this.set({ state: 'error', error: describeUpdateError('check', error), progress: null });
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  /** Downloads the version found (a failed download can be tried again); answers once it is down or failed. */
  download(): Promise<UpdateStatus> {
    const { source } = this.deps;
    if (!source.updater || this.closed) return Promise.resolve(this.status());
    if (this.downloading) return this.downloading;
    if (this.state === 'downloaded') return Promise.resolve(this.status());
    if (!source.canInstall) {
      throw new TernError('CONFLICT', 'This build is not signed, so it cannot update itself: get the new version from the release page.');
    }
    const found = this.found;
    if (!found || (this.state !== 'available' && this.state !== 'error')) {
      throw new TernError('CONFLICT', 'There is no update to download: check for updates first.');
    }
    const updater = source.updater;
    this.downloading = (async () => {
      this.set({ state: 'downloading', progress: 0, error: null });
      try {
        await updater.download((fraction) => {
          if (this.state !== 'downloading' || !Number.isFinite(fraction)) return;
          this.set({ progress: Math.min(1, Math.max(0, fraction)) });
        });
        this.log(`updates: version ${found.version} downloaded`);
        return this.set({ state: 'downloaded', progress: 1 });
      } catch (error) {
        this.log(`updates: downloading ${found.version}: ${error instanceof Error ? error.message : String(error)}`);
        return this.set({ state: 'error', error: describeUpdateError('download', error), progress: null });
      } finally {
        this.downloading = null;
      }
    })();
    return this.downloading;
  }

  /** Quits and installs the downloaded version; only ever on this call. */
  install(): UpdateStatus {
    const updater = this.deps.source.updater;
    if (!updater) return this.status();
    if (this.state !== 'downloaded') throw new TernError('CONFLICT', 'No update has been downloaded yet.');
    this.log(`updates: quitting to install version ${this.found?.version ?? '?'}`);
    try {
      updater.quitAndInstall();
    } catch (error) {
      return this.set({ state: 'error', error: `Could not install the update: ${error instanceof Error ? error.message : String(error)}` });
    }
    return this.status();
  }

  /** Switches the automatic check on (first check FIRST_AUTO_CHECK_MS from now) or off; saved. */
  setAutoCheck(enabled: boolean): UpdateStatus {
    this.deps.settings.setAutoUpdateCheck(enabled);
    this.schedule(FIRST_AUTO_CHECK_MS);
    return this.emit();
  }

  /** Stops the automatic check. */
  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  // ---- inside -------------------------------------------------------------------------------

  /** The next automatic check in `delay`, when it is on and there is an updater; else none. */
  private schedule(delay: number): void {
    this.clearTimer();
    if (this.closed || !this.deps.source.updater || !this.deps.settings.autoUpdateCheck()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check().finally(() => this.schedule(AUTO_CHECK_INTERVAL_MS));
    }, delay);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private set(fields: Partial<Pick<UpdateStatus, 'state' | 'progress' | 'error'>>): UpdateStatus {
    if (fields.state !== undefined) this.state = fields.state;
    if (fields.progress !== undefined) this.progress = fields.progress;
    if (fields.error !== undefined) this.error = fields.error;
    if (this.state !== 'error') this.error = null;
    return this.emit();
  }

  private emit(): UpdateStatus {
    const status = this.status();
    if (!this.closed) this.deps.events.emit('updateStatus', status);
    return status;
  }
}

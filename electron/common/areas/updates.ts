/**
 * Updates, opt-in: Tern goes online for a new version only when asked ("Check for updates"), or
 * once a day when the automatic check is switched on; an update is downloaded and installed only
 * when the user says so. Only the packaged desktop app has an updater; elsewhere every call
 * answers with enabled false and the reason.
 */
import { z } from 'zod';
import { Empty, call } from '../schema';

export const UpdateState = z.enum(['idle', 'checking', 'up-to-date', 'available', 'downloading', 'downloaded', 'error']);
export type UpdateState = z.infer<typeof UpdateState>;

export const UpdateStatus = z.object({
  /** The version running now. */
  currentVersion: z.string(),
  /** This run can update (the packaged desktop app, with a repository to take updates from). */
  enabled: z.boolean(),
  /** Why it cannot, as a sentence for the user; null when enabled. */
  reason: z.string().nullable(),
  /** Check once shortly after start and then every day (saved; off by default). */
  autoCheck: z.boolean(),
  state: UpdateState,
  /** The newer version found (kept while it downloads, and after a failed download). */
  availableVersion: z.string().nullable(),
  /** Its release notes as plain text, when the release has any. */
  releaseNotes: z.string().nullable(),
  /** 0..1 while downloading; 1 once downloaded; else null. */
  progress: z.number().min(0).max(1).nullable(),
  /** What went wrong, said plainly, in state 'error'. */
  error: z.string().nullable(),
  /** When a check last answered (ms since the epoch); null: not yet in this run. */
  lastCheckedAt: z.number().int().nonnegative().nullable(),
  /** https://github.com/OWNER/REPO/releases, or null without a repository. */
  releasePageUrl: z.string().url().nullable(),
  /** Whether this build can install an update itself (unsigned macOS builds cannot: the release page can). */
  canInstall: z.boolean(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const AutoUpdateCheck = z.object({ enabled: z.boolean() }).strict();
export type AutoUpdateCheck = z.infer<typeof AutoUpdateCheck>;

export const updateCalls = {
  getUpdateStatus: call(Empty, UpdateStatus),
  /** Asks the releases for a newer version (nothing is downloaded); answers when the check is done. */
  checkForUpdates: call(Empty, UpdateStatus),
  /** Downloads the version found; answers once it is downloaded (or failed). */
  downloadUpdate: call(Empty, UpdateStatus),
  /** Quits Tern and installs the downloaded update. */
  installUpdate: call(Empty, UpdateStatus),
  /** Switches the automatic check on or off (saved). */
  setAutoUpdateCheck: call(AutoUpdateCheck, UpdateStatus),
} as const;

export const updateEvents = {
  /** A check started or answered, a download moved on, or the automatic check was switched. */
  updateStatus: UpdateStatus,
} as const;

/**
 * The port the update service works against: what it needs from an updater (electron-updater in
 * the desktop app, electron/main/updater.ts; a fake in the tests), and where updates come from in
 * this run: an updater, or the sentence saying why there is none.
 */

/** A newer version than the one running. */
export interface FoundUpdate {
  version: string;
  /** Plain text. */
  releaseNotes?: string;
}

export interface Updater {
  /** Asks the releases for a newer version; null: this is the newest. Downloads nothing. */
  check(): Promise<FoundUpdate | null>;
  /** Downloads the version the last check found, telling its progress (0..1) on the way. */
  download(onProgress: (fraction: number) => void): Promise<void>;
  /** Quits the app and installs the downloaded version. */
  quitAndInstall(): void;
}

export type UpdateSource =
  | {
      updater: Updater;
      /** https://github.com/OWNER/REPO/releases */
      releasePageUrl: string;
      /** False for unsigned macOS builds: they cannot replace themselves. */
      canInstall: boolean;
    }
  | { updater: null; reason: string; releasePageUrl: string | null };

export const HEADLESS_REASON = 'Updates are only in the desktop app.';
export const FROM_SOURCE_REASON = 'Updates are off when Tern runs from source.';

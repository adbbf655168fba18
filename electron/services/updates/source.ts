/**
 * Whether the desktop app can update in this run, and from where: it needs a GitHub repository
 * named in package.json and a packaged build (run from source, there is nothing to replace).
 * The updater is made only when both hold, so nothing reaches for the network otherwise.
 */
import { type GitHubRepository, parseRepository } from './repository';
import { FROM_SOURCE_REASON, type UpdateSource, type Updater } from './updater';

export interface DesktopUpdateFacts {
  /** package.json's `repository` field, as the packaged app has it. */
  repository: unknown;
  /** Electron's app.isPackaged. */
  packaged: boolean;
  /** False for an unsigned macOS build. */
  canInstall: boolean;
  makeUpdater: (repository: GitHubRepository) => Updater;
}

export function desktopUpdateSource(facts: DesktopUpdateFacts): UpdateSource {
  const parsed = parseRepository(facts.repository);
  if (!parsed.ok) return { updater: null, reason: parsed.reason, releasePageUrl: null };
  if (!facts.packaged) return { updater: null, reason: FROM_SOURCE_REASON, releasePageUrl: parsed.releasePageUrl };
  return { updater: facts.makeUpdater(parsed.repository), releasePageUrl: parsed.releasePageUrl, canInstall: facts.canInstall };
}

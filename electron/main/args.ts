/** The desktop app's own command-line options (Chromium's switches pass by untouched). */
import { isAbsolute, resolve } from 'node:path';

export class ArgumentError extends Error {}

/** The folder given with `--data-dir DIR` or `--data-dir=DIR`, absolute; undefined if none. */
export function dataDirArgument(argv: readonly string[], cwd: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--data-dir') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ArgumentError('--data-dir needs a folder');
      value = next;
      i++;
    } else if (arg.startsWith('--data-dir=')) {
      value = arg.slice('--data-dir='.length);
      if (!value) throw new ArgumentError('--data-dir needs a folder');
    }
  }
  if (value === undefined) return undefined;
  return isAbsolute(value) ? value : resolve(cwd, value);
}

/** Small, strict argument parsing for the `tern` subcommands. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export interface Command {
  summary: string;
  help: string;
  /** Resolves with the exit code, or with undefined for a long-running command (a server). */
  run(argv: string[]): Promise<number | undefined>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors turned into CliErrors that name the problem. */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

export function intOption(value: string | undefined, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new CliError(`--${name} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new CliError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function numberOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${name} must be a number, got '${value}'`);
  if (n < min || n > max) throw new CliError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** "1,2,3" -> [1, 2, 3]; every element a non-negative integer. */
export function idList(value: string, name: string): number[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new CliError(`--${name} needs at least one id`);
  return parts.map((part) => {
    if (!/^\d+$/.test(part)) throw new CliError(`--${name}: '${part}' is not a token id`);
    return Number(part);
  });
}

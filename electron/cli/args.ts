/** Small, strict argument parsing for the `tern` subcommands. */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';

/** A mistake in what the user typed (or a refusal), printed as one line: `tern <command>: <message>`. */
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

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}
type Options = Record<string, OptionSpec>;
type Value<S extends OptionSpec> = S extends { type: 'boolean' }
  ? S extends { multiple: true }
    ? boolean[]
    : boolean
  : S extends { multiple: true }
    ? string[]
    : string;
export type Values<O extends Options> = { [K in keyof O]?: Value<O[K]> };

export interface Parsed<O extends Options> {
  values: Values<O>;
  positionals: string[];
  /** The option as the user typed it (`-n` or `--tokens`); when not given, its short form if it has one. */
  flag(name: keyof O & string): string;
}

/** An argument that reads as a negative number (`-5`, `-0.5`, `-.5`): a value, not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * parseArgs, with its errors turned into one-line CliErrors naming the option as typed. Unlike
 * strict parseArgs, a negative number after an option is taken as its value (`-n -5`), so that the
 * range check can name the problem; any other value starting with '-' is still refused (it is
 * more likely a forgotten value), unless written `--name=VALUE` or `-xVALUE`.
 */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = false): Parsed<O> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  } catch (error) {
    throw new CliError(error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error));
  }
  const typed = new Map<string, string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind === 'positional') {
      if (!allowPositionals) throw new CliError(`unexpected argument '${token.value}' (see --help)`);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = Object.prototype.hasOwnProperty.call(options, token.name) ? options[token.name] : undefined;
    if (!spec) throw new CliError(`unknown option ${token.rawName} (see --help)`);
    typed.set(token.name, token.rawName);
    if (spec.type === 'boolean') {
      if (token.inlineValue) throw new CliError(`${token.rawName} takes no value`);
      continue;
    }
    if (token.value === undefined) throw new CliError(`${token.rawName} needs a value`);
    if (!token.inlineValue && token.value.startsWith('-') && token.value !== '-' && !NEGATIVE_NUMBER.test(token.value)) {
      throw new CliError(`${token.rawName} needs a value; for one that starts with '-', write --${token.name}=${token.value}`);
    }
  }
  const flag = (name: keyof O & string): string => {
    const given = typed.get(name);
    if (given) return given;
    const short = options[name]?.short;
    return short ? `-${short}` : `--${name}`;
  };
  return { values: parsed.values as Values<O>, positionals: parsed.positionals, flag };
}

function range(min: number, max: number): string {
  return max >= Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
}

/** A whole number in [min, max]; `flag` is the option as typed (see Parsed.flag). */
export function intOption(value: string | undefined, flag: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[-+]?\d+$/.test(value.trim()) || n < min || n > max) throw new CliError(`${flag} must be a whole number ${range(min, max)}, got '${value}'`);
  return n;
}

export function numberOption(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new CliError(`${flag} must be a number ${range(min, max)}, got '${value}'`);
  return n;
}

/** The logical cores of this machine (what the engine uses for "all hardware threads"). */
export function logicalCores(): number {
  return Math.max(1, cpus().length || availableParallelism());
}

/** A thread count: 0 for all hardware threads, else 1 up to the logical core count. */
export function threadsOption(value: string | undefined, flag: string, fallback = 0): number {
  const cores = logicalCores();
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[-+]?\d+$/.test(value.trim()) || n < 0) {
    throw new CliError(`${flag} must be 0 (all hardware threads) or a whole number from 1 to ${cores}, got '${value}'`);
  }
  if (n > cores) {
    throw new CliError(`${flag} ${n} is more threads than this machine's ${cores} logical cores (0 uses all of them)`);
  }
  return n;
}

/** "1,2,3" -> [1, 2, 3]; every element a non-negative integer. */
export function idList(value: string, flag: string): number[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new CliError(`${flag} needs at least one id`);
  return parts.map((part) => {
    if (!/^\d+$/.test(part)) throw new CliError(`${flag}: '${part}' is not a token id`);
    return Number(part);
  });
}

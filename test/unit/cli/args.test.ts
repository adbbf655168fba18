/**
 * Option errors of the `tern` command line: one line naming the command and the option as it was
 * typed, negative numbers read as values (then refused by range, not by Node's parser), thread
 * counts from 0 (all hardware threads) to the logical core count. None of these needs the engine.
 */
import { cpus, availableParallelism } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError, intOption, parse, threadsOption } from '../../../electron/cli/args';
import { ensureCliBuilt, tern } from './helpers';

const cores = Math.max(1, cpus().length || availableParallelism());

beforeAll(() => ensureCliBuilt(), 180_000);

/** Runs tern expecting a usage error: exit 2 and exactly one line on stderr, which it returns. */
function refused(args: string[]): string {
  const r = tern(args);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('parse', () => {
  const options = { tokens: { type: 'string', short: 'n' }, threads: { type: 'string', short: 't' }, json: { type: 'boolean' } } as const;

  it('takes a negative number after an option as its value, and remembers how the option was typed', () => {
    const p = parse(['-n', '-5', '--threads', '-3'], options);
    expect(p.values).toEqual({ tokens: '-5', threads: '-3' });
    expect(p.flag('tokens')).toBe('-n');
    expect(p.flag('threads')).toBe('--threads');
    expect(p.flag('json')).toBe('--json');
    expect(parse([], options).flag('tokens')).toBe('-n');
    expect(parse(['--tokens=-0.5'], options).values.tokens).toBe('-0.5');
  });

  it('refuses in one line: unknown options, missing values, a value that looks like an option, stray arguments', () => {
    const message = (argv: string[]) => {
      try {
        parse(argv, options);
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message(['--bogus'])).toBe('unknown option --bogus (see --help)');
    expect(message(['-n'])).toBe('-n needs a value');
    expect(message(['-n', '--json'])).toBe("-n needs a value; for one that starts with '-', write --tokens=--json");
    expect(message(['--json=yes'])).toBe('--json takes no value');
    expect(message(['file.gguf'])).toBe("unexpected argument 'file.gguf' (see --help)");
    for (const m of ['--bogus', '-n', '-n --json', '--json=yes', 'file.gguf'].map((a) => message(a.split(' ')))) expect(m).not.toContain('\n');
  });

  it('range checks name the option as typed', () => {
    expect(() => intOption('-5', '-n', 16, 1, 100)).toThrow("-n must be a whole number from 1 to 100, got '-5'");
    expect(() => intOption('1.5', '--tokens', 16, 1, 100)).toThrow("--tokens must be a whole number from 1 to 100, got '1.5'");
    expect(intOption(undefined, '-n', 16, 1, 100)).toBe(16);
    expect(threadsOption('0', '-t')).toBe(0);
    expect(threadsOption(String(cores), '-t')).toBe(cores);
    expect(() => threadsOption(String(cores + 1), '-t')).toThrow(`-t ${cores + 1} is more threads than this machine's ${cores} logical cores`);
    expect(() => threadsOption('-1', '--threads')).toThrow(/^--threads must be 0 \(all hardware threads\) or a whole number from 1 to \d+, got '-1'$/);
  });
});

describe('tern option errors (the built command line)', () => {
  it('negative numbers get a Tern error naming the option, not the parser text', () => {
    const cases: [string[], RegExp][] = [
      [['run', '-m', 'x.gguf', '--ids', '1', '-n', '-5'], /^tern run: -n must be a whole number from 1 to \d+, got '-5'$/],
      [['run', '-m', 'x.gguf', '--ids', '1', '--tokens', '-5'], /^tern run: --tokens must be a whole number from 1 to \d+, got '-5'$/],
      [['run', '-m', 'x.gguf', '--ids', '1', '-t', '-3'], /^tern run: -t must be 0 \(all hardware threads\) or a whole number from 1 to \d+, got '-3'$/],
      [['run', '-m', 'x.gguf', '--ids', '1', '--temp', '-1'], /^tern run: --temp must be a number from 0 to \d+, got '-1'$/],
      [['inspect', 'x.gguf', '--ctx', '-1'], /^tern inspect: --ctx must be a whole number from 0 to \d+, got '-1'$/],
      [['logits', '-m', 'x.gguf', '--ids', '1', '--threads', '-2'], /^tern logits: --threads must be 0 \(all hardware threads\) or/],
      [['bench', '-m', 'x.gguf', '-n', '-1'], /^tern bench: -n must be a whole number from 0 to \d+, got '-1'$/],
      [['serve', '--port', '-1'], /^tern serve: --port must be a whole number from 0 to 65535, got '-1'$/],
    ];
    for (const [args, expected] of cases) {
      const line = refused(args);
      expect(line).toMatch(expected);
      expect(line).not.toMatch(/ambiguous/);
    }
  });

  it('messages name the command once and the option as typed', () => {
    expect(refused(['tokenize', '-p', 'hello'])).toBe('tern tokenize: -m FILE is required (a model or vocabulary-only GGUF)');
    expect(refused(['run', '-m', 'x.gguf', '-n', 'abc'])).toBe("tern run: -n must be a whole number from 1 to 1048576, got 'abc'");
    expect(refused(['run', '--ids', '1'])).toBe('tern run: -m FILE is required (the model)');
    expect(refused(['run', '-m', 'x.gguf', '--bogus'])).toBe('tern run: unknown option --bogus (see --help)');
  });

  it('-n 0 is refused rather than printing two empty lines', () => {
    expect(refused(['run', '-m', 'x.gguf', '--ids', '1', '-n', '0'])).toBe("tern run: -n must be a whole number from 1 to 1048576, got '0'");
  });

  it('-t 0 is all hardware threads (said in --help); more threads than logical cores is refused in one line', () => {
    for (const command of ['run', 'logits', 'bench']) expect(tern([command, '--help']).stdout).toMatch(/0: all hardware threads/);
    for (const command of ['run', 'logits']) {
      expect(refused([command, '-m', 'x.gguf', '--ids', '1', '-t', String(cores + 1)])).toBe(
        `tern ${command}: -t ${cores + 1} is more threads than this machine's ${cores} logical cores (0 uses all of them)`,
      );
    }
    expect(refused(['bench', '-m', 'x.gguf', '--threads', `1,${cores + 1}`])).toMatch(/^tern bench: --threads \d+ is more threads than/);
  });
});

/** The registry of `tern` subcommands: add a line here for each command module. */
import type { Command } from '../args';
import { bench } from './bench';
import { inspect } from './inspect';
import { logits } from './logits';
import { pull } from './pull';
import { run } from './run';
import { serve } from './serve';
import { synth } from './synth';
import { tokenize } from './tokenize';

export const commands: Record<string, Command> = {
  serve,
  pull,
  inspect,
  logits,
  run,
  synth,
  bench,
  tokenize,
};

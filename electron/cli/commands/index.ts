/** The registry of `tern` subcommands: add a line here for each command module. */
import type { Command } from '../args';
import { serve } from './serve';

export const commands: Record<string, Command> = {
  serve,
};

/** The registry of `tern` subcommands: add a line here for each command module. */
import type { Command } from '../args';

export const commands: Record<string, Command> = {};

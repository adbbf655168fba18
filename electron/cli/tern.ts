/**
 * `tern`: the project's command line. Each subcommand lives in ./commands/<name>.ts and
 * exports a `Command`. Runs in plain Node; never imports `electron`.
 */
import { commands } from './commands';
import { CliError } from './args';

function usage(): string {
  const lines = Object.entries(commands).map(([name, cmd]) => `  ${name.padEnd(10)} ${cmd.summary}`);
  return ['usage: tern <command> [options]', '', 'commands:', ...lines, '', 'Run `tern <command> --help` for its options.'].join('\n');
}

/** The command being run, which names its errors: "tern run: -n must be ...". */
let running = '';

async function main(argv: string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    console.log(process.env.npm_package_version ?? require('../../package.json').version);
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`tern: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  running = name;
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // A command that starts a server resolves with no code and keeps the process alive.
    if (typeof code === 'number') process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`${running ? `tern ${running}` : 'tern'}: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    }
  },
);

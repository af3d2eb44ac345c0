import { commands } from './commands';
import { UsageError, type CliIO } from './types';

const VERSION = '0.1.0';

function topUsage(): string {
  return [
    'usage: hakmem <command> [options]',
    '',
    'commands:',
    ...Object.keys(commands).map((c) => `  ${c}`),
    '',
    'hakmem <command> --help for the options of one command.',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(topUsage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out(VERSION + '\n');
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.err(`hakmem: unknown command '${name}'\n${topUsage()}\n`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`hakmem ${name}: ${e.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    throw e;
  }
}

/** How long a signalled command may take to clean up (kill what it started) before the CLI exits. */
const STOP_GRACE_MS = 500;

/**
 * Runs the CLI as a process: wires signals and stdio, sets the exit code. The
 * installed `hakmem` bin calls this; so does `node server/dist/cli.js`. (A
 * `require.main === module` test alone would never fire through the bin.)
 */
export function runCli(argv: readonly string[] = process.argv.slice(2)): void {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals): void => {
    // The command kills what it started when the signal aborts; then the CLI goes, with the shell's
    // code for the signal, whether or not the command has returned by then.
    controller.abort();
    setTimeout(() => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)), STOP_GRACE_MS).unref();
  };
  let handling = false;
  const io: CliIO = {
    cwd: process.cwd(),
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    // Only a command that takes the signal (it starts processes it must stop) gets handlers. Any other
    // keeps the default action, which ends the process at once even while its thread is busy in a
    // long synchronous step (a JavaScript handler would wait for that step to finish).
    get signal() {
      if (!handling) {
        handling = true;
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
      return controller.signal;
    },
  };
  main(argv, io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`hakmem: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}

if (require.main === module) runCli();

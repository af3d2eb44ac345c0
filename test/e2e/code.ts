// `npm run code`: the bundled allocator (native/) in VS Code in the browser,
// with the extension installed from the freshly built .vsix. Serves on
// 127.0.0.1 only and runs until Ctrl+C, which stops code-server's whole
// process group.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { startCodeServer } from './harness/codeServer';
import { ensureRuntime } from './harness/install';
import { ensureVsix } from './harness/vsix';
import { nativeDir } from './harness/workspace';

const DEFAULT_PORT = 8337;

const USAGE = `usage: npm run code -- [--port N] [--folder PATH]

Opens PATH (default: the bundled allocator in native/) in VS Code in the
browser, served by code-server on 127.0.0.1:N (default ${DEFAULT_PORT}), with
the HAKMEM DevTools extension installed from hakmem-devtools.vsix.
Stop it with Ctrl+C.`;

interface Options {
  port: number;
  folder: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options | 'help' {
  const options: Options = { port: DEFAULT_PORT, folder: nativeDir };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--port': {
        const raw = value();
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new UsageError(`--port: "${raw}" is not a TCP port (1-65535)`);
        options.port = port;
        break;
      }
      case '--folder': {
        const folder = resolve(value());
        if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--folder: ${folder} is not a folder`);
        options.folder = folder;
        break;
      }
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return options;
}

async function main(): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`hakmem code: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const vsix = await ensureVsix();
  const runtime = await ensureRuntime();
  let recentOutput = '';
  const server = await startCodeServer({
    runtime,
    vsix,
    port: options.port,
    // code-server is chatty; keep the tail to explain an unexpected exit.
    onOutput: (chunk) => (recentOutput = (recentOutput + chunk).slice(-20_000)),
  });
  const url = server.folderUrl(options.folder);
  console.log(`\nHAKMEM DevTools in VS Code: ${url}\n(serving on 127.0.0.1 only; Ctrl+C stops it)\n`);
  // Ctrl+C is handled by the harness's process registry: it stops the group and exits.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.log('\nstopping code-server…');
    });
  }
  const reason = await server.exited;
  if (interrupted) {
    await server.stop();
    return 130;
  }
  console.error(`hakmem code: code-server exited (${reason})\n${recentOutput}`);
  await server.stop();
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`hakmem code: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);

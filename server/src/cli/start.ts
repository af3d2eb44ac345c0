import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { command as lint } from './lint';
import type { CliCommand, CliIO } from './types';

/** The bundled allocator (native/ beside server/), found from this bundle or the tsc output. */
export function bundledNativeDir(): string {
  // server/dist/cli.js and out/server/src/cli/start.js both sit under the repository root.
  const candidates = [join(__dirname, '..', '..', 'native'), join(__dirname, '..', '..', '..', '..', 'native')];
  return candidates.find((c) => existsSync(join(c, 'Makefile'))) ?? candidates[0]!;
}

function heading(io: CliIO, text: string): void {
  io.out(`\n== ${text} ==\n`);
}

export const command: CliCommand = {
  name: 'start',
  usage: 'hakmem start',
  summary: 'The main job on the bundled allocator (native/): hot-path lint of its sources.',
  async run(_args, io) {
    const native = bundledNativeDir();
    heading(io, `hakmem lint ${native}`);
    const lintStatus = await lint.run([native], io);
    return lintStatus;
  },
};

import { bundledNativeDir } from '../bench/workspace';
import { command as lint } from './lint';
import type { CliCommand, CliIO } from './types';

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

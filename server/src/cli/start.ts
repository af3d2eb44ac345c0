import { join } from 'node:path';
import { bundledNativeDir } from '../bench/workspace';
import { command as bench } from './bench';
import { command as lint } from './lint';
import { command as profile } from './profile';
import type { CliCommand, CliIO } from './types';

function heading(io: CliIO, text: string): void {
  io.out(`\n== ${text} ==\n`);
}

/**
 * `npm start`: the whole loop on the bundled allocator — hot-path lint, a quick
 * comparison against every installed peer with a verdict, and a flamegraph.
 */
export const command: CliCommand = {
  name: 'start',
  usage: 'hakmem start [--skip-bench] [--skip-profile]',
  summary: 'The main job on the bundled allocator (native/): hot-path lint, a benchmark comparison with a verdict, and a flamegraph page.',
  async run(args, io) {
    const native = bundledNativeDir();
    const steps: Array<[string, number]> = [];

    const lintArgs = [native];
    heading(io, `hakmem lint ${lintArgs.join(' ')}`);
    steps.push(['lint', await lint.run(lintArgs, io)]);

    if (!args.includes('--skip-bench')) {
      const benchArgs = ['run', 'larson', '--quick', '--runs', '5', '--allocators', 'hakmem,system,mimalloc,jemalloc,tcmalloc'];
      heading(io, `hakmem bench ${benchArgs.join(' ')}`);
      steps.push(['bench', await bench.run(benchArgs, { ...io, cwd: native })]);
    }

    if (!args.includes('--skip-profile')) {
      // Enough work for about a second of samples (the quick arguments finish in milliseconds).
      const page = join(native, '.hakmem', 'flame.html');
      const profileArgs = ['random_mixed', '--args', '20000000 8192 42 16 1024', '-o', page];
      heading(io, `hakmem profile ${profileArgs.join(' ')}`);
      steps.push(['profile', await profile.run(profileArgs, { ...io, cwd: native })]);
    }

    heading(io, 'summary');
    for (const [step, status] of steps)
      io.out(`${step.padEnd(8)} ${status === 0 ? 'ok' : status === 1 ? 'findings / regression' : `failed (exit ${status})`}\n`);
    // Findings (1) are the product working; only a failure to run makes `npm start` fail.
    return steps.some(([, s]) => s >= 2) ? 2 : 0;
  },
};

import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { proposeConfig } from '../init/propose';
import { copySample, sampleFiles, sampleSourceDir, SampleCopyError } from '../init/sample';
import { ArgWords } from './args';
import { UsageError, type CliCommand, type CliIO } from './types';

export interface InitArgs {
  readonly dir: string | undefined;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** `--sample DIR`: copy the bundled allocator there instead of proposing a configuration. */
  readonly sample: string | undefined;
}

export function parseInitArgs(args: readonly string[]): InitArgs {
  let dir: string | undefined;
  let sample: string | undefined;
  let dryRun = false;
  let force = false;
  const words = new ArgWords(args);
  for (let a = words.next(); a !== undefined; a = words.next()) {
    if (a === '--dry-run' || a === '-n') dryRun = true;
    else if (a === '--force' || a === '-f') force = true;
    else if (a === '--sample' || a.startsWith('--sample=')) sample = words.value('--sample', a.slice('--sample='.length));
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (dir !== undefined) throw new UsageError(`one folder at a time (got '${dir}' and '${a}')`);
    else dir = a;
  }
  if (sample !== undefined && dir !== undefined) throw new UsageError(`--sample names the folder itself (got '${sample}' and '${dir}')`);
  // --force replaces a .hakmem.json; the sample never replaces anything.
  if (sample !== undefined && force) throw new UsageError('--sample never replaces files: choose a new or empty folder instead of --force');
  return { dir, dryRun, force, sample };
}

/** `hakmem init --sample DIR`: the bundled allocator's sources, copied into a new or empty folder. */
function initSample(target: string, dryRun: boolean, io: CliIO): number {
  const root = resolve(io.cwd, target);
  const source = sampleSourceDir();
  try {
    if (!source) throw new SampleCopyError('the bundled allocator is not part of this installation', 'no-source');
    if (dryRun) {
      for (const rel of sampleFiles(source)) io.out(`${rel}\n`);
      io.err(`hakmem init: --dry-run: nothing copied to ${target}\n`);
      return 0;
    }
    const copy = copySample(root, { source });
    io.out(`copied the bundled allocator (${copy.files.length} files) to ${target}\n`);
    io.out(`next: cd ${target} && make && hakmem lint && hakmem bench run fixed_size\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof SampleCopyError)) throw e;
    io.err(`hakmem init: ${e.message.replace(root, target)}\n`);
    return 2;
  }
}

export const command: CliCommand = {
  name: 'init',
  usage: 'hakmem init [DIR] [--dry-run] [--force]\n       hakmem init --sample DIR [--dry-run]',
  summary:
    'Writes a starting .hakmem.json for the allocator in DIR (default: the current folder) from what the tree shows: entry points, debug guard macros and their release values, cold functions, include paths, folders a Linux release does not build.\n' +
    'Prints the configuration; --dry-run only prints it. An existing .hakmem.json is kept unless --force is given.\n' +
    '--sample DIR copies the bundled allocator (its sources, benchmarks, tests, Makefile and .hakmem.json) into DIR, which must be new or empty; nothing is ever replaced. --dry-run lists its files.\n' +
    'Exit status: 0 written (or printed), 2 bad usage, an existing .hakmem.json without --force, or a --sample folder that is not empty.',
  async run(args, io) {
    const { dir, dryRun, force, sample } = parseInitArgs(args);
    if (sample !== undefined) return initSample(sample, dryRun, io);
    const root = resolve(io.cwd, dir ?? '.');
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      io.err(`hakmem init: no such folder: ${dir ?? root}\n`);
      return 2;
    }
    const proposal = await proposeConfig(root, { signal: io.signal });
    const shown = relative(io.cwd, proposal.path) || proposal.path;
    if (proposal.exists && !force && !dryRun) {
      io.err(`hakmem init: ${shown} already exists; not overwritten (--force replaces it, --dry-run shows the proposal)\n`);
      return 2;
    }
    io.out(proposal.text);
    for (const line of proposal.summary) io.err(`hakmem init: ${line}\n`);
    if (dryRun) {
      io.err(`hakmem init: --dry-run: ${shown} not written\n`);
      return 0;
    }
    // Written beside and renamed: a reader never sees half a file.
    const temporary = `${proposal.path}.${process.pid}.tmp`;
    writeFileSync(temporary, proposal.text);
    renameSync(temporary, proposal.path);
    io.err(`hakmem init: wrote ${shown}\n`);
    return 0;
  },
};

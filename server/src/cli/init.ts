import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { proposeConfig } from '../init/propose';
import { ArgWords } from './args';
import { UsageError, type CliCommand } from './types';

export function parseInitArgs(args: readonly string[]): { dir: string | undefined; dryRun: boolean; force: boolean } {
  let dir: string | undefined;
  let dryRun = false;
  let force = false;
  const words = new ArgWords(args);
  for (let a = words.next(); a !== undefined; a = words.next()) {
    if (a === '--dry-run' || a === '-n') dryRun = true;
    else if (a === '--force' || a === '-f') force = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (dir !== undefined) throw new UsageError(`one folder at a time (got '${dir}' and '${a}')`);
    else dir = a;
  }
  return { dir, dryRun, force };
}

export const command: CliCommand = {
  name: 'init',
  usage: 'hakmem init [DIR] [--dry-run] [--force]',
  summary:
    'Writes a starting .hakmem.json for the allocator in DIR (default: the current folder) from what the tree shows: entry points, debug guard macros and their release values, cold functions, include paths, folders a Linux release does not build.\n' +
    'Prints the configuration; --dry-run only prints it. An existing .hakmem.json is kept unless --force is given.\n' +
    'Exit status: 0 written (or printed), 2 bad usage or an existing .hakmem.json without --force.',
  async run(args, io) {
    const { dir, dryRun, force } = parseInitArgs(args);
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

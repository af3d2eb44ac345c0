// Test workspaces: a copy of the bundled allocator (without its build output or run history)
// plus seed files, in a temporary folder removed afterwards. The bundled
// allocator lints clean, so the seeds are what the tests look for.
import { cpSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fixturesDir, repoRoot } from '../../util/paths';
import { makeTempDir, removeTempDir } from './processes';

export const nativeDir = join(repoRoot, 'native');
export const seedDir = join(fixturesDir, 'e2e', 'seed');

export interface Workspace {
  root: string;
  /** Absolute path of a file inside the workspace. */
  path(rel: string): string;
  remove(): void;
}

/** 1-based number of the first line of `file` that contains `needle`. */
export function lineOf(file: string, needle: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found in ${file}`);
  return index + 1;
}

/**
 * Copies native/ into `dest`, leaving out the top-level entries in `skip`.
 * Timestamps are kept, so make finds a copied build/ up to date.
 */
export function copyAllocator(dest: string, skip: readonly string[]): void {
  cpSync(nativeDir, dest, {
    recursive: true,
    preserveTimestamps: true,
    filter: (src) => {
      const rel = relative(nativeDir, src);
      return !skip.some((s) => rel === s || rel.startsWith(`${s}${sep}`));
    },
  });
}

/** A copy of native/ (build output left out) with the seed files added at its root. */
export function seededAllocatorWorkspace(): Workspace {
  // realpath: the workbench shows resolved paths, and /tmp may be a symlink.
  const dir = makeTempDir('hakmem-e2e-ws-');
  const root = realpathSync(dir);
  // build/ is output; .hakmem/ is run history and captures made in the repository.
  if (existsSync(nativeDir)) copyAllocator(root, ['build', '.hakmem']);
  cpSync(seedDir, root, { recursive: true });
  return {
    root,
    path: (rel) => join(root, rel),
    remove: () => removeTempDir(dir),
  };
}

import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { walkSources } from '../analysis/sources';
import { GlobSet } from '../util/glob';

const HEADER = /\.(h|inc)$/;
/**
 * Folders that a Linux release build does not compile, or that are not the
 * allocator: other platforms' primitives, tests, benchmarks, examples.
 */
const NOT_THE_ALLOCATOR =
  /^(windows|win32|win64|win|osx|macos|darwin|apple|wasi|emscripten|haiku|solaris|msvc|vs20\d\d|ide|test|tests|testing|bench|benchmark|benchmarks|example|examples|doc|docs|fuzz|fuzzing)$/i;

export interface TreeLayout {
  /** Every C source and header outside the excluded folders, relative to the root with '/'. */
  readonly files: readonly string[];
  /** Folders to exclude, relative to the root, as globs (`src/prim/windows/**`). */
  readonly exclude: readonly string[];
  /** Folders holding headers that sources include by a path their own folder does not resolve. */
  readonly includePaths: readonly string[];
}

function posix(path: string): string {
  return path.split('\\').join('/');
}

/** Walks the tree once: what to analyse, what to leave out. */
function walk(root: string, skip: GlobSet): { files: string[]; exclude: string[] } {
  const exclude: string[] = [];
  const files = walkSources(root, root, (rel, name, isDirectory) => {
    if (name.startsWith('.') || skip.matches(`${rel}/x`) || skip.matches(rel)) return true;
    if (!isDirectory || !NOT_THE_ALLOCATOR.test(name)) return false;
    // A folder that is not the allocator is left out and proposed as an exclusion.
    exclude.push(`${rel}/**`);
    return true;
  }).map((full) => posix(relative(root, full)));
  return { files, exclude };
}

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*["<]([^">\n]+)[">]/gm;

/**
 * Include paths: for every `#include "a/b.h"` (or `<a/b.h>`) that the including
 * file's folder does not resolve, the folders of the tree that do, most used first.
 */
function includePathsOf(root: string, files: readonly string[]): string[] {
  const headers = files.filter((f) => HEADER.test(f));
  const headerSet = new Set(headers);
  const uses = new Map<string, number>();
  const resolvedBy = new Map<string, string[]>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const own = posix(dirname(file));
    for (const m of text.matchAll(INCLUDE)) {
      const name = posix(m[1]!.trim());
      const beside = own === '.' ? name : `${own}/${name}`;
      if (headerSet.has(posix(join(beside)))) continue;
      let dirs = resolvedBy.get(name);
      if (!dirs) {
        dirs = headers
          .filter((h) => h === name || h.endsWith(`/${name}`))
          .map((h) => h.slice(0, h.length - name.length).replace(/\/$/, '') || '.');
        resolvedBy.set(name, dirs);
      }
      for (const d of dirs) uses.set(d, (uses.get(d) ?? 0) + 1);
    }
  }
  return [...uses].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([d]) => d);
}

/** The layout of the tree under `root`, skipping what `skip` (the default exclusions) names. */
export function scanLayout(root: string, skip: readonly string[]): TreeLayout {
  const { files, exclude } = walk(root, new GlobSet(skip));
  return { files, exclude, includePaths: includePathsOf(root, files) };
}

import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { IncludeResolver } from './types';

/** Largest header read; bigger files are treated as not found (they are not allocator headers). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

/**
 * An include resolver over the file system: `"x.h"` is looked up beside the
 * including file, then in `includePaths`; `<x.h>` in `includePaths` only, so
 * system headers are not evaluated. Reads are cached for the resolver's life.
 */
export function fileIncludeResolver(includePaths: readonly string[]): IncludeResolver {
  const cache = new Map<string, { path: string; text: string } | undefined>();
  const read = (path: string): { path: string; text: string } | undefined => {
    if (cache.has(path)) return cache.get(path);
    let found: { path: string; text: string } | undefined;
    try {
      const st = statSync(path);
      if (st.isFile() && st.size <= MAX_HEADER_BYTES) found = { path, text: readFileSync(path, 'utf8') };
    } catch {
      found = undefined;
    }
    cache.set(path, found);
    return found;
  };
  return (name, system, fromFile) => {
    if (isAbsolute(name)) return read(name);
    const dirs = system || fromFile === undefined ? includePaths : [dirname(fromFile), ...includePaths];
    for (const dir of dirs) {
      const hit = read(resolve(join(dir, name)));
      if (hit) return hit;
    }
    return undefined;
  };
}

// Which files a workspace analyses and how their text is read from disk: one
// walker of C trees (also used by init's layout scan), binary and size checks,
// and a cache of what was read, forgotten path by path when a file changes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { HakmemConfig } from '../config/config';
import { GlobSet } from '../util/glob';

/** Files larger than this are skipped (with a note) rather than parsed. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** C sources and headers, by name. */
export const SOURCE_EXTENSIONS = /\.(c|h|inc|cc)$/;

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

/** What a walk leaves out: `rel` is relative to the walk's base folder, with '/'. A skipped folder's subtree goes with it. */
export type SkipEntry = (rel: string, name: string, isDirectory: boolean) => boolean;

function posix(path: string): string {
  return path.split('\\').join('/');
}

/** Every C source and header under `root` (absolute paths, each folder's names in sorted order) that `skip` keeps. */
export function walkSources(root: string, base: string, skip: SkipEntry): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      const isDirectory = st.isDirectory();
      if (!isDirectory && !SOURCE_EXTENSIONS.test(name)) continue;
      if (skip(posix(relative(base, full)), name, isDirectory)) continue;
      if (isDirectory) visit(full);
      else out.push(full);
    }
  };
  visit(root);
  return out;
}

/** Every C source and header under `root`, minus the configured exclusions (and hidden folders). */
export function discoverSources(config: HakmemConfig, root: string = config.root): string[] {
  if (existsSync(root) && statSync(root).isFile()) return [resolve(root)];
  const exclude = new GlobSet(config.exclude);
  return walkSources(
    root,
    config.root,
    (rel, name, isDirectory) =>
      exclude.matches(rel) || exclude.matches(rel + '/') || (isDirectory && (name.startsWith('.') || exclude.matches(`${rel}/x`))),
  );
}

/** True when the buffer looks binary (a NUL byte in its first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * Source texts read from disk, each read once until forgotten (a file and every
 * header it includes are read through here). Binary and oversized files read as
 * null, with a note in `skipped`.
 */
export class DiskSources {
  private readonly cache = new Map<string, string | null>();
  readonly skipped: SkippedFile[] = [];

  /** The file changed (or is about to be read afresh). */
  forget(path: string): void {
    this.cache.delete(path);
  }

  read(path: string): string | null {
    const cached = this.cache.get(path);
    if (cached !== undefined) return cached;
    let text: string | null = null;
    try {
      const st = statSync(path);
      if (!st.isFile()) {
        text = null;
      } else if (st.size > MAX_FILE_BYTES) {
        this.noteSkipped(path, `larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB`);
      } else {
        const bytes = readFileSync(path);
        if (looksBinary(bytes)) this.noteSkipped(path, 'binary file');
        else text = bytes.toString('utf8');
      }
    } catch {
      text = null;
    }
    this.cache.set(path, text);
    return text;
  }

  private noteSkipped(path: string, reason: string): void {
    if (!this.skipped.some((s) => s.path === path)) this.skipped.push({ path, reason });
  }
}

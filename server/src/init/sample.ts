// The sample allocator: the sources of the bundled allocator (native/), copied
// into a folder of the user's choosing so the whole loop (lint, Run, Compare,
// Profile) works there as it does in native/. What the sample holds is listed
// once, in sample.json; the packaged copy beside the bundles is made from that
// list by the same copy (server/scripts/build.mjs runs `hakmem init --sample`).
import { chmodSync, copyFileSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { bundledNativeDir } from '../bench/workspace';
import sampleList from './sample.json';

/** Name of the packaged copy, beside the server and CLI bundles (server/dist/sample). */
export const PACKAGED_SAMPLE = 'sample';

/** Why a copy did not happen; nothing was written when this is thrown. */
export class SampleCopyError extends Error {
  constructor(
    message: string,
    readonly reason: 'no-source' | 'not-a-folder' | 'not-empty' | 'conflicts',
    /** For 'conflicts': the sample's files that already exist in the target, relative. */
    readonly conflicts: readonly string[] = [],
  ) {
    super(message);
  }
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * Where the sample's sources are: the packaged copy beside the bundles
 * (`distDir/sample`), else the bundled allocator of this checkout or package.
 * `distDir` is the folder of the server bundles (the CLI's own folder).
 */
export function sampleSourceDir(distDir: string = __dirname): string | undefined {
  const candidates = [join(distDir, PACKAGED_SAMPLE), bundledNativeDir(distDir)];
  return candidates.find((dir) => isFile(join(dir, 'Makefile')));
}

/** The sample's files under `source`, relative with '/', sorted; throws when a listed file is missing. */
export function sampleFiles(source: string): string[] {
  const missing = sampleList.files.filter((f) => !isFile(join(source, f)));
  if (missing.length > 0) throw new SampleCopyError(`${source} is not the bundled allocator (missing ${missing.join(', ')})`, 'no-source');
  const files = [...sampleList.files];
  const walk = (rel: string): void => {
    const dir = join(source, rel);
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && sampleList.suffixes.some((s) => entry.name.endsWith(s))) files.push(child);
    }
  };
  for (const folder of sampleList.folders) walk(folder);
  return files.sort();
}

export type SampleTargetState = 'missing' | 'empty' | 'not-empty' | 'not-a-folder';

/** What is at `target` now: the command asks before copying into a folder that holds anything. */
export function sampleTargetState(target: string): SampleTargetState {
  if (!existsSync(target)) return 'missing';
  if (!statSync(target).isDirectory()) return 'not-a-folder';
  return readdirSync(target).length === 0 ? 'empty' : 'not-empty';
}

export interface SampleCopyOptions {
  /** Copy beside what a non-empty folder holds (never replacing a file); default: refuse a non-empty folder. */
  readonly besideExisting?: boolean;
  /** Where the sample's sources are (default: sampleSourceDir()). */
  readonly source?: string;
}

export interface SampleCopy {
  readonly target: string;
  readonly source: string;
  /** The files written, relative with '/'. */
  readonly files: readonly string[];
}

function copyOne(source: string, target: string, rel: string): void {
  const to = join(target, rel);
  mkdirSync(dirname(to), { recursive: true });
  // COPYFILE_EXCL: an existing file is never replaced, even one that appeared after the check.
  copyFileSync(join(source, rel), to, constants.COPYFILE_EXCL);
  // A read-only install (a system-wide package) must not give the user read-only sources.
  chmodSync(to, statSync(to).mode | 0o200);
}

/**
 * Copies the sample into `target`. A missing target is made by copying into a
 * temporary sibling renamed into place, so it appears whole or not at all; an
 * existing one gets the files one by one, none replaced, and those written are
 * removed again if the copy fails part way.
 */
export function copySample(target: string, options: SampleCopyOptions = {}): SampleCopy {
  const source = options.source ?? sampleSourceDir();
  if (!source) throw new SampleCopyError('the bundled allocator is not part of this installation', 'no-source');
  const files = sampleFiles(source);
  const state = sampleTargetState(target);
  if (state === 'not-a-folder') throw new SampleCopyError(`${target} is a file, not a folder`, 'not-a-folder');
  if (state === 'not-empty' && !options.besideExisting) {
    throw new SampleCopyError(`${target} is not empty; nothing was copied (choose a new or empty folder)`, 'not-empty');
  }
  if (state === 'missing') {
    const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    mkdirSync(dirname(target), { recursive: true });
    try {
      mkdirSync(temporary);
      for (const rel of files) copyOne(source, temporary, rel);
      renameSync(temporary, target);
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
    return { target, source, files };
  }
  const conflicts = files.filter((rel) => existsSync(join(target, rel)));
  if (conflicts.length > 0) {
    const shown = conflicts.slice(0, 5).join(', ') + (conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '');
    throw new SampleCopyError(`${target} already has ${shown}; nothing was copied, nothing replaced`, 'conflicts', conflicts);
  }
  const madeFolders = foldersOf(files).filter((rel) => !existsSync(join(target, rel)));
  const written: string[] = [];
  try {
    for (const rel of files) {
      copyOne(source, target, rel);
      written.push(rel);
    }
  } catch (e) {
    for (const rel of written) rmSync(join(target, rel), { force: true });
    // Deepest first; a folder that holds anything else stays.
    for (const rel of madeFolders.sort((a, b) => b.length - a.length)) removeIfEmpty(join(target, rel));
    throw e;
  }
  return { target, source, files };
}

/** Every folder the files sit in, relative ('src', 'src/x'), without the root. */
function foldersOf(files: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const rel of files) for (let d = dirname(rel); d !== '.'; d = dirname(d)) folders.add(d);
  return [...folders];
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Holds something else, or is already gone.
  }
}

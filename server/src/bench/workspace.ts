// Which benchmarks a folder has: those of the nearest .hakmem.json above it,
// else the bundled ones in native/. The workspace root (where history lives)
// is the folder holding .hakmem.json, or the repository root for the bundled set.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findConfigFile, readConfigSections } from '../config/file';
import { parseBenchmarksConfig, type BenchConfigError } from './config';
import { nativePresets, type BenchmarkSpec } from './presets';

export interface BenchWorkspace {
  readonly root: string;
  /** The .hakmem.json read, if any. */
  readonly configPath?: string;
  readonly benchmarks: BenchmarkSpec[];
  readonly errors: BenchConfigError[];
  /** The bundled allocator's folder (hakmem / hakmem-debug libraries). */
  readonly nativeDir: string;
}

/** The bundled native/ folder, found above this module (works from src, out and dist). */
export function bundledNativeDir(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'native', 'Makefile'))) return join(dir, 'native');
    const up = dirname(dir);
    if (up === dir) return resolve(start, '..', '..', 'native');
    dir = up;
  }
}

function isAllocatorFolder(dir: string): boolean {
  return existsSync(join(dir, 'Makefile')) && existsSync(join(dir, 'bench', 'bench_larson.c'));
}

/**
 * The allocator a folder's benchmarks run against: the folder itself when it is
 * the bundled allocator (or a copy of it), its native/ child, else the one
 * beside these tools (an installed extension has none: runs then say how to build it).
 */
export function nativeDirFor(folder: string): string {
  for (const candidate of [folder, join(folder, 'native')]) if (isAllocatorFolder(candidate)) return resolve(candidate);
  return bundledNativeDir();
}

/** The bundled benchmarks, where the allocator they run on is (an installed extension alone has none). */
function bundledPresets(nativeDir: string): BenchmarkSpec[] {
  return existsSync(join(nativeDir, 'Makefile')) ? nativePresets(nativeDir) : [];
}

/** Reads one .hakmem.json's benchmarks; problems come back as errors, never thrown. */
export function loadBenchWorkspace(configPath: string, nativeDir: string = bundledNativeDir()): BenchWorkspace {
  const root = dirname(configPath);
  const { sections, error } = readConfigSections(configPath);
  const errors: BenchConfigError[] = error ? [{ key: '', message: error }] : [];
  const section = sections['benchmarks'];
  if (errors.length > 0 || section === undefined) {
    // No benchmarks of its own: the bundled ones, with history kept in this workspace.
    return { root, configPath, benchmarks: bundledPresets(nativeDir), errors, nativeDir };
  }
  const parsed = parseBenchmarksConfig(section, root, nativeDir);
  return { root, configPath, benchmarks: parsed.benchmarks, errors: parsed.errors, nativeDir };
}

export function findBenchWorkspace(cwd: string, nativeDir?: string): BenchWorkspace {
  const configPath = findConfigFile(cwd);
  if (configPath) return loadBenchWorkspace(configPath, nativeDir ?? nativeDirFor(dirname(configPath)));
  const dir = nativeDir ?? nativeDirFor(cwd);
  return { root: dirname(dir), benchmarks: bundledPresets(dir), errors: [], nativeDir: dir };
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';

/** An allocator a benchmark can run under: the libc default, or a library loaded with LD_PRELOAD. */
export interface AllocatorChoice {
  /** hakmem, hakmem-debug, hakmem-prof, system, mimalloc, jemalloc, tcmalloc, or the path given. */
  readonly name: string;
  /** Library to LD_PRELOAD; undefined for the system allocator. */
  readonly preload?: string;
  /** Set when the allocator is not installed: the Debian package that provides it. */
  readonly missing?: { readonly library: string; readonly debianPackage: string };
}

export const ALLOCATOR_NAMES = ['hakmem', 'hakmem-debug', 'system', 'mimalloc', 'jemalloc', 'tcmalloc'] as const;

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

const PEERS: Record<string, { files: readonly string[]; debianPackage: string }> = {
  mimalloc: { files: ['libmimalloc.so.2', 'libmimalloc.so'], debianPackage: 'libmimalloc2.0' },
  jemalloc: { files: ['libjemalloc.so.2', 'libjemalloc.so'], debianPackage: 'libjemalloc2' },
  tcmalloc: { files: ['libtcmalloc_minimal.so.4', 'libtcmalloc.so.4'], debianPackage: 'libtcmalloc-minimal4' },
};

/** The bundled allocator's shared libraries, built by `make -C native`. */
export function bundledLibrary(nativeDir: string, variant: 'release' | 'debug' | 'prof'): string {
  return join(nativeDir, 'build', variant, 'libhakmem.so');
}

/** The bundled-library variant an allocator name loads, if it is one of the bundled builds. */
export function bundledVariant(name: string): 'release' | 'debug' | 'prof' | undefined {
  return name === 'hakmem' ? 'release' : name === 'hakmem-debug' ? 'debug' : name === 'hakmem-prof' ? 'prof' : undefined;
}

/**
 * Resolves an allocator name (or a path to a shared library) to what a run needs.
 * `nativeDir` is the bundled allocator's folder (or the user's, from config).
 */
export function resolveAllocator(name: string, nativeDir: string, cwd: string = process.cwd()): AllocatorChoice {
  switch (name) {
    case 'system':
    case 'glibc':
      return { name: 'system' };
    case 'hakmem':
    case 'hakmem-debug':
    case 'hakmem-prof': {
      return { name, preload: bundledLibrary(nativeDir, bundledVariant(name)!) };
    }
  }
  const peer = PEERS[name];
  if (peer) {
    for (const dir of LIB_DIRS) {
      for (const file of peer.files) {
        const path = join(dir, file);
        if (existsSync(path)) return { name, preload: path };
      }
    }
    return { name, missing: { library: peer.files[0]!, debianPackage: peer.debianPackage } };
  }
  if (name.includes('/') || name.endsWith('.so') || /\.so\.\d+$/.test(name)) {
    const path = isAbsolute(name) ? name : resolve(cwd, name);
    return existsSync(path) ? { name, preload: path } : { name, missing: { library: path, debianPackage: '' } };
  }
  throw new Error(`unknown allocator '${name}' (expected one of ${ALLOCATOR_NAMES.join(', ')}, or a path to a shared library)`);
}

/** What ld.so would split LD_PRELOAD at: spaces, tabs and colons (there is no way to quote them). */
const PRELOAD_SEPARATORS = /[\s:]/;

/**
 * The value of LD_PRELOAD that loads exactly `library`. A path ld.so would split ("My Libs/libx.so")
 * would load nothing, and the run would measure the C library under another name; such a library is
 * preloaded through a symbolic link of a safe name instead (ld.so follows links), one per library path.
 */
export function preloadValue(library: string): string {
  if (!PRELOAD_SEPARATORS.test(library)) return library;
  const dir = join(tmpdir(), `hakmem-preload-${process.getuid?.() ?? 'user'}`);
  if (PRELOAD_SEPARATORS.test(dir)) throw new Error(`cannot preload ${library}: its path holds a space or a colon, and so does ${dir}`);
  const digest = createHash('sha256').update(library).digest('hex').slice(0, 16);
  const link = join(dir, `${digest}-${basename(library).replace(/[^\w.+-]/g, '_')}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== library) {
    // Made under a unique name and renamed over, so two runs at once never see a half-made link.
    const fresh = `${link}.${process.pid}.${Date.now()}`;
    symlinkSync(library, fresh);
    renameSync(fresh, link);
  }
  return link;
}

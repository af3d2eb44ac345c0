// A workspace that can run the bundled benchmarks: a copy of native/ with its
// build output (benchmark binaries and the libhakmem.so variants), so runs and
// profiles write their history and captures into the copy, never into the
// repository.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from './processes';
import { copyAllocator, nativeDir, type Workspace } from './workspace';

/** What the benchmark and profile cases run: they fail early, with the fix, when it is not built. */
const REQUIRED_BUILD = [
  'build/bench/bench_fixed_size',
  'build/bench/bench_larson',
  'build/release/libhakmem.so',
  'build/prof/libhakmem.so',
];

export function assertNativeBuilt(): void {
  const missing = REQUIRED_BUILD.filter((rel) => !existsSync(join(nativeDir, rel)));
  if (missing.length > 0) {
    throw new Error(`native/ is not built (missing ${missing.join(', ')}): run \`make -C ${nativeDir}\``);
  }
}

/** A copy of native/ including build/. */
export function builtAllocatorWorkspace(): Workspace {
  assertNativeBuilt();
  // realpath: the workbench shows resolved paths, and /tmp may be a symlink.
  const dir = makeTempDir('hakmem-e2e-bench-');
  const root = realpathSync(dir);
  // .hakmem/ holds the repository's own history and captures: a run here starts with none.
  copyAllocator(root, ['.hakmem']);
  return {
    root,
    path: (rel) => join(root, rel),
    remove: () => removeTempDir(dir),
  };
}

function git(root: string, args: string[]): string {
  // An identity of its own: the test must not depend on (or touch) the user's git configuration.
  const r = spawnSync('git', ['-c', 'user.name=HAKMEM e2e', '-c', 'user.email=e2e@hakmem.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
  if (r.error) throw new Error(`cannot run git (install the Debian package "git"): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${root}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Makes the workspace a git repository with one commit; returns the commit id. */
export function initRepository(root: string): string {
  git(root, ['init', '-q']);
  return commitAll(root, 'bundled allocator');
}

/** Commits whatever changed (or nothing) as a new commit; returns its id. */
export function commitAll(root: string, message: string): string {
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '--allow-empty', '-m', message]);
  return git(root, ['rev-parse', 'HEAD']);
}

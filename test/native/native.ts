// Helpers for the tests of the bundled allocator: build targets of
// native/Makefile and run the resulting programs with a time limit.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../util/paths';

export const nativeDir = join(repoRoot, 'native');
export const buildDir = join(nativeDir, 'build');
export const releaseLib = join(buildDir, 'release', 'libhakmem.so');
export const debugLib = join(buildDir, 'debug', 'libhakmem.so');

/** Runs `make -s -C native <targets>`; throws with make's output when it fails. */
export function make(...targets: string[]): void {
  const r = spawnSync('make', ['-s', '-C', nativeDir, '-j2', ...targets], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) {
    throw new Error(`make ${targets.join(' ')} failed (${r.signal ?? r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

export interface RunResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion (killed after `timeoutMs`), capturing its output. */
export function run(
  file: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(file, args, {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    input: opts.input,
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Describes a run for assertion messages. */
export function describeRun(r: RunResult): string {
  return `status ${r.status} signal ${r.signal}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`;
}

/** The environment with `lib` preloaded (and nothing else preloaded). */
export function preloadEnv(lib: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.LD_PRELOAD;
  if (lib !== undefined) env.LD_PRELOAD = lib;
  return env;
}

// Builds a benchmark with its build command and turns compiler output into diagnostics.
import { parseBuildDiagnostics, type BuildDiagnostic } from './diagnostics';
import type { BenchmarkSpec } from './presets';
import { runInGroup } from './process';

export interface BuildResult {
  readonly ok: boolean;
  /** True when there was no build command (nothing to do). */
  readonly skipped: boolean;
  readonly diagnostics: BuildDiagnostic[];
  /** Combined stdout and stderr of the build (tail). */
  readonly output: string;
  /** Why the build failed, in one line. */
  readonly error?: string;
}

export const DEFAULT_BUILD_TIMEOUT_MS = 10 * 60_000;

export async function buildBenchmark(
  spec: BenchmarkSpec,
  signal?: AbortSignal,
  timeoutMs: number = DEFAULT_BUILD_TIMEOUT_MS,
): Promise<BuildResult> {
  if (!spec.build) return { ok: true, skipped: true, diagnostics: [], output: '' };
  const r = await runInGroup({
    command: '/bin/sh',
    args: ['-c', spec.build],
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    timeoutMs,
    ...(signal ? { signal } : {}),
  });
  const output = [r.stdout, r.stderr].filter((s) => s.length > 0).join('\n');
  const diagnostics = parseBuildDiagnostics(output, spec.cwd);
  let error: string | undefined;
  if (r.cancelled) error = 'build cancelled';
  else if (r.timedOut) error = `build timed out after ${Math.round(timeoutMs / 1000)} s: ${spec.build}`;
  else if (r.spawnError) error = `build could not start: ${r.spawnError}`;
  else if (r.signal) error = `build killed by ${r.signal}: ${spec.build}`;
  else if (r.exitStatus !== 0) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    error = `build failed (exit ${r.exitStatus}${errors ? `, ${errors} compiler error${errors > 1 ? 's' : ''}` : ''}): ${spec.build}`;
  }
  return { ok: error === undefined, skipped: false, diagnostics, output, ...(error ? { error } : {}) };
}

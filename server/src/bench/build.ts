// Builds what a run depends on before it runs: the benchmark (its build
// command) and every bundled-library variant the run loads. A build that fails
// stops the run with the compiler's messages; there is no falling back to a
// library or binary built before the edit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundledVariant } from './allocators';
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

interface BuildStep {
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

async function runBuildStep(step: BuildStep, signal: AbortSignal | undefined, timeoutMs: number): Promise<BuildResult> {
  const r = await runInGroup({
    command: '/bin/sh',
    args: ['-c', step.command],
    cwd: step.cwd,
    env: { ...process.env, ...step.env },
    timeoutMs,
    ...(signal ? { signal } : {}),
  });
  const output = [r.stdout, r.stderr].filter((s) => s.length > 0).join('\n');
  const diagnostics = parseBuildDiagnostics(output, step.cwd);
  let error: string | undefined;
  if (r.cancelled) error = 'build cancelled';
  else if (r.timedOut) error = `build timed out after ${Math.round(timeoutMs / 1000)} s: ${step.command}`;
  else if (r.spawnError) error = `build could not start: ${r.spawnError}`;
  else if (r.signal) error = `build killed by ${r.signal}: ${step.command}`;
  else if (r.exitStatus !== 0) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    error = `build failed (exit ${r.exitStatus}${errors ? `, ${errors} compiler error${errors > 1 ? 's' : ''}` : ''}): ${step.command} in ${step.cwd}`;
  }
  return { ok: error === undefined, skipped: false, diagnostics, output, ...(error ? { error } : {}) };
}

export async function buildBenchmark(
  spec: BenchmarkSpec,
  signal?: AbortSignal,
  timeoutMs: number = DEFAULT_BUILD_TIMEOUT_MS,
): Promise<BuildResult> {
  if (!spec.build) return { ok: true, skipped: true, diagnostics: [], output: '' };
  return runBuildStep({ command: spec.build, cwd: spec.cwd, env: spec.env }, signal, timeoutMs);
}

/** The make target of a bundled library variant, relative to its folder. */
export function bundledLibraryTarget(variant: 'release' | 'debug' | 'prof'): string {
  return `build/${variant}/libhakmem.so`;
}

/**
 * Rebuilds the bundled-library variants the given allocators load (make decides
 * what is out of date from the sources and headers). Nothing to do when none
 * of them is a bundled build.
 */
export async function buildBundledLibraries(
  allocators: readonly string[],
  nativeDir: string,
  signal?: AbortSignal,
  timeoutMs: number = DEFAULT_BUILD_TIMEOUT_MS,
): Promise<BuildResult> {
  const variants = [...new Set(allocators.map(bundledVariant).filter((v) => v !== undefined))];
  if (variants.length === 0) return { ok: true, skipped: true, diagnostics: [], output: '' };
  if (!existsSync(join(nativeDir, 'Makefile'))) {
    return {
      ok: false,
      skipped: false,
      diagnostics: [],
      output: '',
      error: `cannot rebuild the bundled allocator: no Makefile in ${nativeDir}`,
    };
  }
  const targets = variants.map(bundledLibraryTarget).join(' ');
  return runBuildStep({ command: `make -s ${targets}`, cwd: nativeDir, env: {} }, signal, timeoutMs);
}

/** Both builds in order; the first failure is the result. Diagnostics of both are kept. */
export async function buildForRun(
  spec: BenchmarkSpec,
  allocators: readonly string[],
  nativeDir: string,
  signal?: AbortSignal,
): Promise<BuildResult> {
  const bench = await buildBenchmark(spec, signal);
  if (!bench.ok) return bench;
  const libs = await buildBundledLibraries(allocators, nativeDir, signal);
  if (bench.skipped) return libs;
  if (libs.skipped) return bench;
  return {
    ok: libs.ok,
    skipped: false,
    diagnostics: [...bench.diagnostics, ...libs.diagnostics],
    output: [bench.output, libs.output].filter(Boolean).join('\n'),
    ...(libs.error ? { error: libs.error } : {}),
  };
}

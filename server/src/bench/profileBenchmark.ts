// Profiling a benchmark, as the editor and the CLI both do it: rebuild what
// the run loads, resolve the allocator, record enough samples, and say when
// the profile is too small to trust.
import { existsSync } from 'node:fs';
import { resolveAllocator, type AllocatorChoice } from './allocators';
import { buildForRun, type BuildResult } from './build';
import type { BenchmarkSpec } from './presets';
import { captureProfile, DEFAULT_MIN_SAMPLES, type CaptureResult, type ProfileTool } from '../profile/capture';

/**
 * Below this many samples a profile is shown with a warning and does not feed
 * the editor (no "measured N% self" lenses, no hot-path promotion): a share of
 * a few percent of a few hundred samples is noise.
 */
export const TRUSTED_PROFILE_SAMPLES = 1000;

export interface BenchmarkProfileOptions {
  readonly spec: BenchmarkSpec;
  /** Allocator name or library path; default hakmem-prof (frame pointers everywhere). */
  readonly allocator?: string;
  readonly nativeDir: string;
  /** Where a relative library path is resolved. */
  readonly cwd: string;
  readonly tool: ProfileTool;
  readonly outDir: string;
  /** Arguments instead of the benchmark's own. */
  readonly args?: readonly string[];
  /** Rebuild first (default true). */
  readonly build?: boolean;
  readonly minSamples?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
}

export interface BenchmarkProfile extends CaptureResult {
  readonly allocator: AllocatorChoice;
  readonly build?: BuildResult;
  /** Set when the profile has too few samples to trust: what was seen and what to do. */
  readonly warning?: string;
  /** False when the profile is too small to feed lenses and the hot path. */
  readonly trusted: boolean;
}

/** A run that could not be prepared (unknown allocator, failed build, missing binary). */
export class ProfilePrepareError extends Error {
  constructor(
    message: string,
    readonly build?: BuildResult,
  ) {
    super(message);
  }
}

/** The warning for a profile with few samples, or undefined when it has enough. */
export function fewSamplesWarning(samples: number | undefined, runs: number): string | undefined {
  if (samples === undefined || samples >= TRUSTED_PROFILE_SAMPLES) return undefined;
  return (
    `Only ${samples} samples${runs > 1 ? ` from ${runs} runs` : ''} (fewer than ${TRUSTED_PROFILE_SAMPLES}): shares of a few percent are noise, ` +
    'so this profile does not mark functions hot in the editor. Profile a longer run (bigger arguments) or a quieter machine.'
  );
}

export async function profileBenchmark(o: BenchmarkProfileOptions): Promise<BenchmarkProfile> {
  const name = o.allocator ?? 'hakmem-prof';
  let allocator: AllocatorChoice;
  try {
    allocator = resolveAllocator(name, o.nativeDir, o.cwd);
  } catch (e) {
    throw new ProfilePrepareError((e as Error).message);
  }
  if (allocator.missing) {
    throw new ProfilePrepareError(
      `${allocator.name} is not available (${allocator.missing.library})${allocator.missing.debianPackage ? `: apt-get install ${allocator.missing.debianPackage}` : ''}`,
    );
  }
  let build: BuildResult | undefined;
  if (o.build !== false) {
    o.onProgress?.(`building ${o.spec.name} and the libraries it loads`);
    build = await buildForRun(o.spec, [name], o.nativeDir, o.signal);
    if (!build.ok) throw new ProfilePrepareError(build.error ?? 'build failed', build);
  }
  if (allocator.preload && !existsSync(allocator.preload)) throw new ProfilePrepareError(`${allocator.preload} is not built: make -C ${o.nativeDir}`);
  if (!existsSync(o.spec.binary)) throw new ProfilePrepareError(`${o.spec.binary} is not built${o.spec.build ? `: ${o.spec.build} in ${o.spec.cwd}` : ''}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...o.spec.env };
  delete env['LD_PRELOAD'];
  if (allocator.preload) env['LD_PRELOAD'] = allocator.preload;
  const captured = await captureProfile({
    command: [o.spec.binary, ...(o.args ?? o.spec.args)],
    env,
    cwd: o.spec.cwd,
    tool: o.tool,
    outDir: o.outDir,
    minSamples: o.minSamples ?? DEFAULT_MIN_SAMPLES,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const warning = fewSamplesWarning(captured.samples, captured.runs);
  return { ...captured, allocator, ...(build && !build.skipped ? { build } : {}), ...(warning ? { warning } : {}), trusted: warning === undefined };
}

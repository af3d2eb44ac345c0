// Profiling a benchmark, as the editor and the CLI both do it: rebuild what
// the run loads, resolve the allocator, record enough samples, and say when
// the profile is too small to trust.
import { existsSync } from 'node:fs';
import { preloadValue, resolveAllocator, type AllocatorChoice } from './allocators';
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

/** The allocator a profile loads, or a ProfilePrepareError saying why it cannot (unknown name, not installed). */
function chooseAllocator(name: string, nativeDir: string, cwd: string): AllocatorChoice {
  let allocator: AllocatorChoice;
  try {
    allocator = resolveAllocator(name, nativeDir, cwd);
  } catch (e) {
    throw new ProfilePrepareError((e as Error).message);
  }
  if (allocator.missing) {
    throw new ProfilePrepareError(
      `${allocator.name} is not available (${allocator.missing.library})${allocator.missing.debianPackage ? `: apt-get install ${allocator.missing.debianPackage}` : ''}`,
    );
  }
  return allocator;
}

interface CaptureUnder {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly nativeDir: string;
  readonly tool: ProfileTool;
  readonly outDir: string;
  readonly minSamples: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
}

/** Captures the command with the allocator preloaded (none: as it is), and judges whether the profile has samples enough. */
async function captureUnder(
  allocator: AllocatorChoice | undefined,
  c: CaptureUnder,
): Promise<CaptureResult & { warning?: string; trusted: boolean }> {
  if (allocator?.preload && !existsSync(allocator.preload))
    throw new ProfilePrepareError(`${allocator.preload} is not built: make -C ${c.nativeDir}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...c.env };
  // The profile decides the allocator: never inherit someone else's preload.
  if (allocator) delete env['LD_PRELOAD'];
  if (allocator?.preload) env['LD_PRELOAD'] = preloadValue(allocator.preload);
  const captured = await captureProfile({
    command: c.command,
    env,
    cwd: c.cwd,
    tool: c.tool,
    outDir: c.outDir,
    minSamples: c.minSamples,
    ...(c.signal ? { signal: c.signal } : {}),
    ...(c.onProgress ? { onProgress: c.onProgress } : {}),
  });
  const warning = fewSamplesWarning(captured.samples, captured.runs);
  return { ...captured, ...(warning ? { warning } : {}), trusted: warning === undefined };
}

export interface CommandProfileOptions {
  readonly command: readonly string[];
  /** Allocator name or library path to preload; none runs the command as it is. */
  readonly allocator?: string;
  readonly nativeDir: string;
  readonly cwd: string;
  readonly tool: ProfileTool;
  readonly outDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
}

/**
 * Profiles any command. It is recorded once: a command of the user's own is
 * not repeated behind their back, so a short one gets the few-samples warning.
 */
export async function profileCommand(o: CommandProfileOptions): Promise<CaptureResult & { warning?: string; trusted: boolean }> {
  const allocator = o.allocator !== undefined ? chooseAllocator(o.allocator, o.nativeDir, o.cwd) : undefined;
  return captureUnder(allocator, { ...o, env: {}, minSamples: 0 });
}

export async function profileBenchmark(o: BenchmarkProfileOptions): Promise<BenchmarkProfile> {
  const name = o.allocator ?? 'hakmem-prof';
  const allocator = chooseAllocator(name, o.nativeDir, o.cwd);
  let build: BuildResult | undefined;
  if (o.build !== false) {
    o.onProgress?.(`building ${o.spec.name} and the libraries it loads`);
    build = await buildForRun(o.spec, [name], o.nativeDir, o.signal);
    if (!build.ok) throw new ProfilePrepareError(build.error ?? 'build failed', build);
  }
  if (!existsSync(o.spec.binary))
    throw new ProfilePrepareError(`${o.spec.binary} is not built${o.spec.build ? `: ${o.spec.build} in ${o.spec.cwd}` : ''}`);
  const captured = await captureUnder(allocator, {
    command: [o.spec.binary, ...(o.args ?? o.spec.args)],
    env: o.spec.env,
    cwd: o.spec.cwd,
    nativeDir: o.nativeDir,
    tool: o.tool,
    outDir: o.outDir,
    minSamples: o.minSamples ?? DEFAULT_MIN_SAMPLES,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  return { ...captured, allocator, ...(build && !build.skipped ? { build } : {}) };
}

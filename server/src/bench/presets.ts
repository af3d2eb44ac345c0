import { join } from 'node:path';

/** A benchmark the tools know how to build, run and read. */
export interface BenchmarkSpec {
  readonly name: string;
  /** Shell command that builds the binary (run in `cwd`). */
  readonly build?: string;
  /** Binary path, absolute. */
  readonly binary: string;
  readonly args: readonly string[];
  /** Small arguments for quick runs (tests, profiling smoke runs). */
  readonly quickArgs: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Working directory for build and run. */
  readonly cwd: string;
  /** The source file, for CodeLens and "go to benchmark". */
  readonly source?: string;
  /** How to read the result from the output; default: the `HAKMEM_RESULT {json}` line, metric ops_per_sec. */
  readonly result?: ResultSpec;
  /** The bundled benchmark this one follows, if any. */
  readonly preset?: PresetName;
}

/** How a run's output is read. The metric is a throughput: higher is better. */
export interface ResultSpec {
  /** A regular expression with a named group; the group named like `metric`, else the first named group, is the value. */
  readonly regex?: string;
  /** Field of the HAKMEM_RESULT json (default ops_per_sec), or the name of the regex group. */
  readonly metric?: string;
}

/** Which argument of a bundled benchmark is its random seed (the others take none). */
const PRESET_SEED_ARG: Partial<Record<PresetName, number>> = { larson: 5, random_mixed: 2 };

/** The seed of a run: the bundled benchmark's seed argument, else an environment variable named *SEED*. */
export function runSeed(spec: BenchmarkSpec, args: readonly string[], env: Readonly<Record<string, string>>): string | null {
  const at = spec.preset ? PRESET_SEED_ARG[spec.preset] : undefined;
  if (at !== undefined && args[at] !== undefined) return args[at]!;
  const named = Object.entries(env).find(([k]) => /seed/i.test(k));
  return named ? named[1] : null;
}

export const PRESET_NAMES = ['larson', 'random_mixed', 'fixed_size', 'mid_large_mt'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * The bundled benchmarks in native/ (see native/README.md for their arguments and
 * the `HAKMEM_RESULT {json}` line each prints). Binaries are linked against libc
 * only, so one binary measures every allocator through LD_PRELOAD.
 */
export function nativePresets(nativeDir: string): BenchmarkSpec[] {
  const preset = (name: PresetName, args: string[], quickArgs: string[]): BenchmarkSpec => ({
    name,
    // Only the benchmark here; the library variants a run loads are rebuilt by the runner.
    build: `make -s build/bench/bench_${name}`,
    binary: join(nativeDir, 'build', 'bench', `bench_${name}`),
    args,
    quickArgs,
    env: {},
    cwd: nativeDir,
    source: join(nativeDir, 'bench', `bench_${name}.c`),
    preset: name,
  });
  return [
    // mimalloc-bench's larson arguments: seconds min max chperthread rounds seed threads
    preset('larson', ['3', '8', '1000', '5000', '100', '4141', '2'], ['1', '8', '1000', '1000', '50', '4141', '2']),
    // cycles working-set seed min max
    preset('random_mixed', ['2000000', '8192', '42', '16', '1024'], ['200000', '1024', '42', '16', '1024']),
    // cycles size working-set
    preset('fixed_size', ['5000000', '64', '256'], ['300000', '64', '256']),
    // threads cycles working-set min max
    preset('mid_large_mt', ['2', '400000', '256', '8192', '32768'], ['2', '40000', '64', '8192', '32768']),
  ];
}

// The benchmark suite: build, resolve the series (allocator x knob values),
// run them interleaved (rounds.ts), then records, comparisons and history.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { buildForRun, type BuildResult } from './build';
import { CancelledError } from './cancelled';
import { compareRecords, DEFAULT_NOISE_THRESHOLD, summarize } from './compare';
import { gitState, machineInfo } from './environment';
import { appendHistory, findBaseline, readHistory, readPins } from './history';
import { DEFAULT_METRIC } from './output';
import type { BenchmarkSpec } from './presets';
import type { MissingAllocator, RunFailure } from './failures';
import { RECORD_VERSION, type BenchRecord, type Comparison } from './record';
import { runRounds } from './rounds';
import { resolveSeries, type Series } from './series';
import { reliabilityWarning, suitePairs } from './verdict';

export { CancelledError } from './cancelled';
export { expandMatrix } from './series';

export interface SuiteOptions {
  readonly benchmark: BenchmarkSpec;
  /** Allocator names (hakmem, hakmem-debug, system, mimalloc, jemalloc, tcmalloc) or shared-library paths. */
  readonly allocators: readonly string[];
  /** Measured runs per series. */
  readonly runs: number;
  /** Unrecorded runs per series before measuring. */
  readonly warmup: number;
  /** Per-run limit; a run past it is killed with its whole process group. */
  readonly timeoutMs: number;
  /** A/B knobs: every combination of these values becomes its own series. */
  readonly envMatrix?: Readonly<Record<string, readonly string[]>>;
  /** Environment added to every run (on top of the benchmark's own). */
  readonly env?: Readonly<Record<string, string>>;
  /** Use the benchmark's small quickArgs. */
  readonly quick?: boolean;
  /** Run the build command first (default true). */
  readonly build?: boolean;
  /** Folder of the bundled allocator (for hakmem / hakmem-debug); default: the benchmark's cwd. */
  readonly nativeDir?: string;
  /** Workspace root: baseline from its history, and where records are appended when appendHistory is set. */
  readonly root?: string;
  readonly appendHistory?: boolean;
  /** Relative noise threshold for verdicts, default 0.01. */
  readonly noiseThreshold?: number;
  /** Capture the stacks of a run that crashes, aborts or hangs (default true); see triage/. */
  readonly capture?: boolean;
  readonly signal: AbortSignal;
  onProgress?(message: string, fraction: number): void;
  /** Called with each run's process-group id (tests check nothing is left behind). */
  onSpawn?(pgid: number): void;
}

export interface SuiteResult {
  readonly benchmark: string;
  readonly args: readonly string[];
  readonly ok: boolean;
  /** Why nothing could be measured (build failure, missing binary …). */
  readonly error?: string;
  readonly build?: BuildResult;
  readonly records: BenchRecord[];
  readonly comparisons: Comparison[];
  readonly failures: RunFailure[];
  readonly missing: MissingAllocator[];
  readonly historyPath?: string;
  /** Set when a series' spread or outliers make the verdicts unreliable: what was seen and what to do. */
  readonly warning?: string;
}

type Progress = (message: string, fraction: number) => void;

/** Why nothing can be measured: the part of a result every early return shares. */
type EmptyResult = Pick<SuiteResult, 'benchmark' | 'args' | 'records' | 'comparisons' | 'failures' | 'missing'>;

/**
 * Builds the benchmark and the bundled libraries it loads, unless told not to.
 * Returns the build to report (none when it was skipped) or the failed result.
 */
async function buildPhase(
  opts: SuiteOptions,
  nativeDir: string,
  progress: Progress,
  empty: EmptyResult,
): Promise<{ build?: BuildResult } | { failed: SuiteResult }> {
  const spec = opts.benchmark;
  let build: BuildResult | undefined;
  if (opts.build !== false) {
    progress(`building ${spec.name}${spec.build ? `: ${spec.build}` : ''} and the bundled libraries it loads`, 0);
    build = await buildForRun(spec, opts.allocators, nativeDir, opts.signal);
    if (opts.signal.aborted) throw new CancelledError();
    if (!build.ok) return { failed: { ...empty, ok: false, error: build.error ?? 'build failed', build } };
    if (build.skipped) build = undefined;
  }
  if (!existsSync(spec.binary)) {
    const how = spec.build ? ` (the build command '${spec.build}' did not produce it)` : '';
    return { failed: { ...empty, ok: false, error: `benchmark binary not found: ${spec.binary}${how}`, ...(build ? { build } : {}) } };
  }
  return build ? { build } : {};
}

/** One record per series that finished with samples, all stamped with the same time, commit and machine. */
function seriesRecords(opts: SuiteOptions, args: readonly string[], series: readonly Series[], git: BenchRecord['git']): BenchRecord[] {
  const spec = opts.benchmark;
  const machine = machineInfo();
  const time = new Date().toISOString();
  return series
    .filter((s) => !s.failed && s.samples.length > 0)
    .map((s) => ({
      version: RECORD_VERSION,
      id: randomUUID(),
      time,
      benchmark: spec.name,
      binary: spec.binary,
      args: [...args],
      env: { ...spec.env, ...opts.env, ...s.knobs },
      knobs: s.knobs,
      allocator: { name: s.allocator, library: s.library },
      metric: spec.result?.metric ?? DEFAULT_METRIC,
      quick: opts.quick === true,
      warmup: opts.warmup,
      git,
      machine,
      samples: s.samples,
      summary: summarize(s.samples),
    }));
}

/** Verdicts within this run, then each record against its baseline in the workspace history. */
function suiteComparisons(
  records: readonly BenchRecord[],
  root: string | undefined,
  git: BenchRecord['git'],
  threshold: number,
): Comparison[] {
  const comparisons: Comparison[] = [];
  // The allocator under development is the subject of every verdict of this run.
  for (const [baseline, candidate] of suitePairs(records)) comparisons.push(compareRecords(baseline, candidate, threshold, 'suite'));
  if (root) {
    const history = readHistory(root).records;
    const pins = readPins(root);
    for (const r of records) {
      const baseline = findBaseline(history, r, git?.commit ?? null, pins);
      if (baseline) comparisons.push(compareRecords(baseline.record, r, threshold, baseline.pinned ? 'pinned' : 'history'));
    }
  }
  return comparisons;
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const spec = opts.benchmark;
  const args = opts.quick ? spec.quickArgs : spec.args;
  const progress: Progress = opts.onProgress ?? ((): void => undefined);
  const empty: EmptyResult = { benchmark: spec.name, args, records: [], comparisons: [], failures: [], missing: [] };

  const nativeDir = opts.nativeDir ?? spec.cwd;
  const built = await buildPhase(opts, nativeDir, progress, empty);
  if ('failed' in built) return built.failed;
  const { build } = built;

  const { series, missing } = resolveSeries(opts.allocators, opts.envMatrix, nativeDir, spec.cwd);
  if (series.length === 0) {
    return { ...empty, missing, ok: false, error: 'none of the requested allocators is available', ...(build ? { build } : {}) };
  }

  const { warmup, runs, timeoutMs, signal, env, onSpawn } = opts;
  const plan = {
    spec,
    args,
    warmup,
    runs,
    timeoutMs,
    signal,
    progress,
    ...(env ? { env } : {}),
    ...(onSpawn ? { onSpawn } : {}),
    ...(opts.capture === false ? { capture: false } : {}),
  };
  const failures = await runRounds(plan, series);
  if (opts.signal.aborted) throw new CancelledError();

  const root = opts.root;
  const git = gitState(root ?? spec.cwd);
  const records = seriesRecords(opts, args, series, git);
  const comparisons = suiteComparisons(records, root, git, opts.noiseThreshold ?? DEFAULT_NOISE_THRESHOLD);
  let historyFile: string | undefined;
  if (root && opts.appendHistory && records.length > 0) historyFile = appendHistory(root, records);
  progress(`${spec.name}: done`, 1);
  const warning = reliabilityWarning(records);
  return {
    ...(warning ? { warning } : {}),
    benchmark: spec.name,
    args,
    ok: failures.length === 0 && records.length > 0,
    ...(build ? { build } : {}),
    records,
    comparisons,
    failures,
    missing,
    ...(historyFile ? { historyPath: historyFile } : {}),
  };
}

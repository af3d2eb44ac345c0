// The benchmark suite: build, resolve the series (allocator x knob values),
// run them round by round in alternating order (rounds.ts) until the design
// (design.ts) has decided every comparison or the budget is spent, then
// records, comparisons and history.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { buildForRun, type BuildResult } from './build';
import { CancelledError } from './cancelled';
import { compareAtLook, DEFAULT_NOISE_THRESHOLD, summarize } from './compare';
import { decideAll, LookSchedule, type LookBoundary, type SidesToCompare, type SuiteDesign } from './design';
import { gitState, machineInfo } from './environment';
import { appendHistory, findBaseline, readHistory, readPins, type Baseline } from './history';
import { DEFAULT_METRIC } from './output';
import type { BenchmarkSpec } from './presets';
import type { MissingAllocator, RunFailure } from './failures';
import { RECORD_VERSION, type BenchRecord, type Comparison, type NoiseReduction, type StopReason } from './record';
import { runRounds } from './rounds';
import { resolveSeries, type Series } from './series';
import { firstRunIsOutlier, reliabilityWarning, stopSentence, suitePairs } from './verdict';

export { CancelledError } from './cancelled';
export { expandMatrix } from './series';

export interface SuiteOptions {
  readonly benchmark: BenchmarkSpec;
  /** Allocator names (hakmem, hakmem-debug, system, mimalloc, jemalloc, tcmalloc) or shared-library paths. */
  readonly allocators: readonly string[];
  /**
   * The budget in runs: at most this many measured runs per series. The run
   * stops earlier as soon as every comparison is decided (unless fixedRuns).
   */
  readonly runs: number;
  /** A budget in seconds of measuring as well (the run stops at whichever is spent first). */
  readonly budgetSeconds?: number;
  /** Run exactly `runs` rounds and judge once at the end (no early stop). */
  readonly fixedRuns?: boolean;
  /** Unrecorded runs per series before measuring (a fixed warm-up). */
  readonly warmup: number;
  /** Pin every run to these CPUs with taskset -c (e.g. "1" or "2,3"). */
  readonly pinCpus?: string;
  /** Drop the first measured round when a series' first run is an outlier (the rule in verdict.ts). */
  readonly discardFirstOutlier?: boolean;
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
  /** How the runs were planned (budget, looks, alpha spent), how many were used and why it stopped. */
  readonly design?: SuiteDesign;
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
function seriesRecords(
  opts: SuiteOptions,
  args: readonly string[],
  series: readonly Series[],
  git: BenchRecord['git'],
  noise: NoiseReduction,
  use: Omit<NonNullable<BenchRecord['use']>, 'runsUsed'>,
): BenchRecord[] {
  const spec = opts.benchmark;
  const machine = machineInfo();
  const time = new Date().toISOString();
  return series
    .filter((s) => !s.failed && s.samples.length > 0)
    .map((s) => {
      const samples = noise.discardedFirstRound ? s.samples.filter((x) => x.index !== 0) : s.samples;
      const discarded = noise.discardedFirstRound ? s.samples.filter((x) => x.index === 0) : [];
      return { s, samples, discarded };
    })
    .filter(({ samples }) => samples.length > 0)
    .map(({ s, samples, discarded }) => ({
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
      samples,
      summary: summarize(samples),
      noise,
      use: { ...use, runsUsed: samples.length },
      ...(discarded.length > 0 ? { discarded } : {}),
    }));
}

/** What the run decides: each pair of its series (paired), then each series against its baseline in history. */
interface Planned {
  readonly suite: Array<[Series, Series]>;
  readonly history: Array<[Baseline, Series]>;
}

function plannedComparisons(
  series: readonly Series[],
  root: string | undefined,
  args: readonly string[],
  spec: BenchmarkSpec,
  commit: string | null,
): Planned {
  const asRecord = (s: Series): { allocator: { name: string }; s: Series } => ({ allocator: { name: s.allocator }, s });
  const suite = suitePairs(series.map(asRecord)).map(([b, c]): [Series, Series] => [b.s, c.s]);
  const history: Array<[Baseline, Series]> = [];
  if (root) {
    const records = readHistory(root).records;
    const pins = readPins(root);
    for (const s of series) {
      const baseline = findBaseline(
        records,
        { benchmark: spec.name, args, allocator: { name: s.allocator, library: s.library }, knobs: s.knobs },
        commit,
        pins,
      );
      if (baseline) history.push([baseline, s]);
    }
  }
  return { suite, history };
}

function sidesOf(planned: Planned): SidesToCompare[] {
  return [
    ...planned.suite
      .filter(([b, c]) => !b.failed && !c.failed)
      .map(([b, c]) => ({ baseline: b.samples, candidate: c.samples, paired: true })),
    ...planned.history.filter(([, c]) => !c.failed).map(([b, c]) => ({ baseline: b.record.samples, candidate: c.samples, paired: false })),
  ];
}

/** The comparisons of the finished run, judged at the look it stopped at. */
function finalComparisons(planned: Planned, records: readonly BenchRecord[], look: LookBoundary, threshold: number): Comparison[] {
  const recordOf = (s: Series): BenchRecord | undefined => records.find((r) => r.allocator.name === s.allocator && r.knobs === s.knobs);
  const out: Comparison[] = [];
  for (const [b, c] of planned.suite) {
    const rb = recordOf(b);
    const rc = recordOf(c);
    if (rb && rc) out.push(compareAtLook(rb, rc, true, look, threshold, 'suite'));
  }
  for (const [baseline, c] of planned.history) {
    const rc = recordOf(c);
    if (rc) out.push(compareAtLook(baseline.record, rc, false, look, threshold, baseline.pinned ? 'pinned' : 'history'));
  }
  return out;
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
  const threshold = opts.noiseThreshold ?? DEFAULT_NOISE_THRESHOLD;
  const root = opts.root;
  const git = gitState(root ?? spec.cwd);
  const planned = plannedComparisons(series, root, args, spec, git?.commit ?? null);
  const budgetSeconds = opts.budgetSeconds && opts.budgetSeconds > 0 ? opts.budgetSeconds : null;
  const schedule = new LookSchedule(runs, budgetSeconds, opts.fixedRuns !== true);
  let dropFirst = false;
  let ruleChecked = false;
  let stopped: StopReason = sidesOf(planned).length === 0 ? 'nothing-to-compare' : opts.fixedRuns ? 'fixed' : 'budget-runs';
  let stoppedAt: LookBoundary | undefined;
  const afterRound = (measured: number, seconds: number): boolean => {
    if (measured === 1) schedule.planFromFirstRound(seconds);
    if (opts.discardFirstOutlier && !ruleChecked && measured >= 5) {
      ruleChecked = true;
      dropFirst = series.some((s) => !s.failed && firstRunIsOutlier(s.samples.map((x) => x.opsPerSec)));
    }
    const sides = sidesOf(planned);
    // Out of time when one more round (at the mean round's duration) would overrun the budget.
    const outOfTime = budgetSeconds !== null && measured < schedule.maxRuns && seconds + seconds / measured > budgetSeconds;
    const last = measured >= schedule.maxRuns || outOfTime;
    if (!schedule.isLook(measured) && !last) return false;
    if (sides.length === 0) return last;
    const look = schedule.boundary(measured, last);
    schedule.take(look);
    stoppedAt = look;
    if (!opts.fixedRuns && decideAll(sides, look, threshold, dropFirst).every((d) => d.decision !== 'undecided')) {
      stopped = 'decided';
      return true;
    }
    if (outOfTime) stopped = 'budget-seconds';
    return last;
  };
  const plan = {
    spec,
    args,
    warmup,
    runs,
    timeoutMs,
    signal,
    progress,
    afterRound,
    ...(opts.pinCpus ? { pinCpus: opts.pinCpus } : {}),
    ...(env ? { env } : {}),
    ...(onSpawn ? { onSpawn } : {}),
    ...(opts.capture === false ? { capture: false } : {}),
  };
  const failures = await runRounds(plan, series);
  if (opts.signal.aborted) throw new CancelledError();

  const noise: NoiseReduction = {
    pinnedCpus: opts.pinCpus ?? null,
    warmup,
    discardFirstOutlier: opts.discardFirstOutlier === true,
    discardedFirstRound: dropFirst,
  };
  if (!stoppedAt && stopped !== 'nothing-to-compare') stopped = 'failed';
  const use = { budgetRuns: runs, budgetSeconds, stopped, paired: series.length > 1 };
  const records = seriesRecords(opts, args, series, git, noise, use);
  const runsUsed = Math.max(0, ...series.map((s) => s.samples.length));
  const finalLook = stoppedAt ?? schedule.boundary(Math.max(1, runsUsed), true);
  const comparisons = finalComparisons(planned, records, finalLook, threshold);
  const design = schedule.report(
    runsUsed,
    stopped,
    stopSentence(stopped, runsUsed, schedule.budgetRuns, budgetSeconds, finalLook, comparisons),
    noise,
  );
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
    design,
  };
}

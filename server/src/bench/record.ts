// The benchmark result record: one JSON object per (benchmark, allocator,
// environment) series of runs, as appended to .hakmem/history.jsonl.
import type { Decision } from './sequential';
import type { ComparisonStats } from './stats';

export const RECORD_VERSION = 1;

export interface Sample {
  /** Position in the measured sequence (warm-up runs are not recorded). */
  readonly index: number;
  /** The metric (ops/s unless the benchmark says otherwise). */
  readonly opsPerSec: number;
  /** Seconds of the measured section as the benchmark reported it, else wall-clock seconds. */
  readonly seconds: number;
  readonly wallSeconds: number;
  /** Peak RSS in KiB: the benchmark's own figure, else the kernel's VmHWM sampled while it ran. */
  readonly maxRssKb: number | null;
  readonly exitStatus: number | null;
  /** The child's own getrusage, when its result line reports it (sys_seconds, minor_faults, major_faults). */
  readonly sysSeconds?: number;
  readonly minorFaults?: number;
  readonly majorFaults?: number;
}

export interface SeriesSummary {
  readonly runs: number;
  readonly median: number;
  /** Median absolute deviation of the metric. */
  readonly mad: number;
  readonly mean: number;
  /** Coefficient of variation (stddev / mean). */
  readonly cv: number;
  readonly min: number;
  readonly max: number;
  /** Bootstrap 95% confidence interval of the median. */
  readonly ci95: [number, number];
  readonly medianMaxRssKb: number | null;
  readonly medianSeconds: number;
}

export interface GitState {
  readonly commit: string;
  readonly dirty: boolean;
  readonly branch?: string;
}

export interface MachineInfo {
  readonly hostname: string;
  readonly os: string;
  readonly kernel: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpus: number;
}

/** The noise reduction a run applied; recorded with every series so the history says how it was measured. */
export interface NoiseReduction {
  /** CPUs every run was pinned to (taskset -c), or null. */
  readonly pinnedCpus: string | null;
  /** Unrecorded warm-up rounds before measuring. */
  readonly warmup: number;
  /** Whether the first-run outlier rule was applied. */
  readonly discardFirstOutlier: boolean;
  /** Whether it fired: the first measured round was dropped (its samples are kept in `discarded`). */
  readonly discardedFirstRound: boolean;
}

/** Why a run stopped measuring. */
export type StopReason = 'decided' | 'budget-runs' | 'budget-seconds' | 'fixed' | 'nothing-to-compare' | 'failed';

/** How many runs a series used and why the run stopped (the design itself is in the run's result). */
export interface RunUse {
  readonly budgetRuns: number;
  readonly budgetSeconds: number | null;
  readonly runsUsed: number;
  readonly stopped: StopReason;
  /** True when series were run back to back in alternating order, round by round (samples pair by index). */
  readonly paired: boolean;
}

export interface BenchRecord {
  readonly version: typeof RECORD_VERSION;
  /** Unique id (for pinning a baseline). */
  readonly id: string;
  /** ISO time the series finished. */
  readonly time: string;
  readonly benchmark: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** Environment the benchmark ran with on top of the inherited one (benchmark env + knobs). */
  readonly env: Readonly<Record<string, string>>;
  /** The A/B knobs of this series (a subset of env), empty when no matrix was run. */
  readonly knobs: Readonly<Record<string, string>>;
  readonly allocator: { readonly name: string; readonly library: string | null };
  readonly metric: string;
  readonly quick: boolean;
  readonly warmup: number;
  readonly git: GitState | null;
  readonly machine: MachineInfo;
  readonly samples: readonly Sample[];
  readonly summary: SeriesSummary;
  /** Added fields (absent in older records; older readers ignore them). */
  readonly noise?: NoiseReduction;
  readonly use?: RunUse;
  /** Measured runs left out of samples and summary by the first-run outlier rule. */
  readonly discarded?: readonly Sample[];
}

/** What a comparison is about: which record is the reference and which is measured against it. */
export interface Comparison extends ComparisonStats {
  /**
   * What the evidence decides: faster or slower (the interval wholly beyond the
   * threshold), equivalent (wholly inside ±threshold), or undecided. `verdict`
   * keeps its three values for older readers (equivalent and undecided are
   * "no significant change" there).
   */
  readonly decision: Decision;
  /** True when the statistic uses per-pair ratios of runs made back to back. */
  readonly paired: boolean;
  /** Runs per series the comparison used (pairs when paired). */
  readonly runs: number;
  /** When undecided: about how many runs per series would decide it (null when no number of runs would). */
  readonly runsNeeded?: number | null;
  /** The look that decided (1-based) and how many were planned; absent for a single fixed look. */
  readonly look?: { readonly index: number; readonly of: number; readonly critical: number; readonly spentAlpha: number };
  readonly baseline: { readonly label: string; readonly recordId: string; readonly commit: string | null };
  readonly candidate: { readonly label: string; readonly recordId: string; readonly commit: string | null };
  /** suite: against the first series of the same run; history: the last run on another commit; pinned: a pinned record. */
  readonly against: 'suite' | 'history' | 'pinned';
}

/** A short human label for a series: allocator plus knobs. */
export function seriesLabel(record: Pick<BenchRecord, 'allocator' | 'knobs'>): string {
  const knobs = Object.entries(record.knobs).map(([k, v]) => `${k}=${v}`);
  return [record.allocator.name, ...knobs].join(' ');
}

/** Structural check used when reading history (a line may come from an older or foreign writer). */
export function isBenchRecord(value: unknown): value is BenchRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<BenchRecord>;
  return (
    r.version === RECORD_VERSION &&
    typeof r.id === 'string' &&
    typeof r.benchmark === 'string' &&
    typeof r.allocator === 'object' &&
    r.allocator !== null &&
    typeof r.allocator.name === 'string' &&
    Array.isArray(r.samples) &&
    typeof r.summary === 'object' &&
    r.summary !== null
  );
}

// The benchmark result record: one JSON object per (benchmark, allocator,
// environment) series of runs, as appended to .hakmem/history.jsonl.
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
}

/** What a comparison is about: which record is the reference and which is measured against it. */
export interface Comparison extends ComparisonStats {
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

/**
 * Messages between the extension host and the benchmark results page, and the
 * plain-JSON shapes they carry. Declarations only (no imports, no code), so the
 * browser bundle, the client and the server can all import them.
 */

export type VerdictView = 'faster' | 'slower' | 'no significant change';

export interface SeriesSummaryView {
  readonly runs: number;
  readonly median: number;
  readonly mad: number;
  readonly mean: number;
  readonly cv: number;
  readonly min: number;
  readonly max: number;
  readonly ci95: readonly [number, number];
  readonly medianMaxRssKb: number | null;
  readonly medianSeconds: number;
}

export interface RecordView {
  readonly id: string;
  readonly time: string;
  readonly benchmark: string;
  readonly args: readonly string[];
  readonly knobs: Readonly<Record<string, string>>;
  readonly allocator: { readonly name: string; readonly library: string | null };
  readonly git: { readonly commit: string; readonly dirty: boolean } | null;
  readonly samples: readonly { readonly opsPerSec: number; readonly maxRssKb: number | null }[];
  readonly summary: SeriesSummaryView;
}

export interface ComparisonView {
  readonly verdict: VerdictView;
  /** candidate / baseline ops/s (Hodges-Lehmann); above 1 is faster. */
  readonly ratio: number;
  readonly ci95: readonly [number, number];
  readonly pValue: number;
  readonly noiseThreshold: number;
  readonly against: 'suite' | 'history' | 'pinned';
  readonly baseline: { readonly label: string; readonly recordId: string; readonly commit: string | null };
  readonly candidate: { readonly label: string; readonly recordId: string; readonly commit: string | null };
  /** The verdict in words, subject first: "hakmem" "is" "2.06× slower" "than tcmalloc" "(…)". */
  readonly words: { readonly subject: string; readonly change: string; readonly against: string; readonly detail: string };
}

export interface FailureView {
  readonly label: string;
  readonly allocator: string;
  readonly kind: 'crash' | 'exit' | 'timeout' | 'output' | 'spawn';
  readonly message: string;
  readonly signal: string | null;
  readonly exitStatus: number | null;
  readonly stderrTail: string;
  readonly stdoutTail: string;
  readonly suggestion: string;
  readonly rerunWith?: string;
}

export interface MissingView {
  readonly allocator: string;
  readonly library: string;
  readonly debianPackage: string;
  readonly hint: string;
}

/** One series' median at one point of history (for the trend chart). */
export interface TrendPoint {
  readonly label: string;
  readonly commit: string | null;
  readonly dirty: boolean;
  readonly time: string;
  readonly median: number;
  readonly ci95: readonly [number, number];
  readonly recordId: string;
}

export interface ResultsMessage {
  readonly type: 'results';
  readonly benchmark: string;
  readonly args: readonly string[];
  /** True when the page can ask to open the benchmark's source. */
  readonly hasSource: boolean;
  readonly error?: string;
  readonly records: readonly RecordView[];
  readonly comparisons: readonly ComparisonView[];
  readonly failures: readonly FailureView[];
  readonly missing: readonly MissingView[];
  /** Oldest first; series of this benchmark from .hakmem/history.jsonl. */
  readonly trend: readonly TrendPoint[];
  /** Set when the spread of a series makes the verdicts unreliable: what was seen and what to do. */
  readonly warning?: string;
  /** The commit the run measured, and whether the tree had uncommitted edits. */
  readonly git: { readonly commit: string; readonly dirty: boolean } | null;
}

export interface ProgressMessage {
  readonly type: 'progress';
  readonly message: string;
  /** 0 to 1. */
  readonly fraction: number;
}

export type HostToPageMessage = ResultsMessage | ProgressMessage;

export type PageToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'rerun'; readonly benchmark: string; readonly allocators?: readonly string[] }
  | { readonly type: 'openSource'; readonly benchmark: string }
  | { readonly type: 'cancel' };

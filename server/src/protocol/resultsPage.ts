// Messages between the extension host and the benchmark results page. The
// shapes are the benchmark engine's own result types; this module adds the
// trend view and the page's messages. Types and pure checks only (no Node API),
// so the browser bundle can import it.
import type { MissingAllocator, RunFailure } from '../bench/failures';
import type { SuiteDesign } from '../bench/design';
import type { BenchRecord, Comparison } from '../bench/record';
import type { VerdictWords } from '../bench/verdict';
import { isOptional, isRecord, isString, isStringArray } from './checks';

/** A comparison with its verdict in words, so the page, the CLI and the status bar say the same thing. */
export interface ComparisonView extends Comparison {
  readonly words: VerdictWords;
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
  readonly records: readonly BenchRecord[];
  readonly comparisons: readonly ComparisonView[];
  readonly failures: readonly RunFailure[];
  readonly missing: readonly MissingAllocator[];
  /** Oldest first; series of this benchmark from .hakmem/history.jsonl. */
  readonly trend: readonly TrendPoint[];
  /** Set when the spread of a series makes the verdicts unreliable: what was seen and what to do. */
  readonly warning?: string;
  /** How the runs were planned, how many were used and why the run stopped. */
  readonly design?: SuiteDesign;
  /** The design in words (runs used and why it stopped, how it was measured, the looks), as the CLI prints it. */
  readonly designLines?: readonly string[];
  /** The commit the run measured, and whether the tree had uncommitted edits. */
  readonly git: { readonly commit: string; readonly dirty: boolean } | null;
}

export interface ProgressMessage {
  readonly type: 'progress';
  readonly message: string;
  /** 0 to 1. */
  readonly fraction: number;
}

export type HostToResultsPage = ResultsMessage | ProgressMessage;

export type ResultsPageToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'rerun'; readonly benchmark: string; readonly allocators?: readonly string[] }
  | { readonly type: 'openSource'; readonly benchmark: string }
  | { readonly type: 'cancel' };

/** Checks a message received from the results page (untrusted input to the host). */
export function isResultsPageToHost(value: unknown): value is ResultsPageToHost {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'cancel':
      return true;
    case 'rerun':
      return isString(value.benchmark) && isOptional(value.allocators, isStringArray);
    case 'openSource':
      return isString(value.benchmark);
    default:
      return false;
  }
}

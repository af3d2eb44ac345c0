// The suite's result: plain data with no Node API, shared by the engine, the
// CLI, the protocol and the suite page.
import type { MissingAllocator, RunFailure } from '../failures';

/** One allocator on one row: medians of its interleaved runs, relative to the row's best. */
export interface SuiteCell {
  readonly allocator: string;
  /** Median seconds of the measured part (the workload's own timing). */
  readonly seconds: number;
  /** Time for the row's work relative to the best allocator's (best throughput / this one's; 1 for the best). */
  readonly relTime: number;
  /** Median peak RSS in KiB (VmHWM of the workload; the program's own for real programs). */
  readonly rssKb: number | null;
  readonly relRss: number | null;
  /** Median system CPU seconds and page faults from the child's getrusage. */
  readonly sysSeconds: number | null;
  readonly minorFaults: number | null;
  readonly majorFaults: number | null;
  readonly runs: number;
}

export interface SuiteRow {
  readonly workload: string;
  readonly description: string;
  readonly args: readonly string[];
  readonly cells: readonly SuiteCell[];
  /** Why the row was not run at all (a program the machine lacks, a build failure). */
  readonly skipped?: string;
  readonly failures: readonly RunFailure[];
  /** The honest verdict of the allocator under development on this row (interleaved runs). */
  readonly verdicts: readonly string[];
  /** Against the same row of the previous run on another commit, from the history. */
  readonly historyVerdict?: string;
}

/** Geometric mean over the rows of an allocator's time (or RSS) relative to each row's best. */
export interface SuiteMean {
  readonly allocator: string;
  readonly relTime: number;
  /** 95% bootstrap interval over the rows. */
  readonly relTimeCi: readonly [number, number];
  readonly relRss: number | null;
  readonly rows: number;
}

export interface SuitePrevious {
  readonly time: string;
  readonly commit: string | null;
  /** This run's time over the previous run's, geometric mean over the rows both measured, with its interval. */
  readonly ratio: number;
  readonly ci: readonly [number, number];
  readonly verdict: 'faster' | 'slower' | 'no significant change';
  readonly sentence: string;
}

export interface SuiteReport {
  readonly version: 1;
  readonly time: string;
  readonly quick: boolean;
  readonly runs: number;
  readonly allocators: readonly string[];
  /** The allocator the verdicts are about (the first under development), if any. */
  readonly subject: string | null;
  readonly rows: readonly SuiteRow[];
  readonly means: readonly SuiteMean[];
  readonly missing: readonly MissingAllocator[];
  readonly previous?: SuitePrevious;
  readonly commit: string | null;
  readonly historyPath?: string;
}

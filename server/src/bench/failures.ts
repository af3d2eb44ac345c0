// What a suite reports besides its records: runs that failed and allocators
// that are not installed. Plain data with no Node API: the results page shows it.
import type { CrashReport } from '../triage/report';

export interface RunFailure {
  /** Series label (allocator plus knobs). */
  readonly label: string;
  readonly allocator: string;
  readonly kind: 'crash' | 'exit' | 'timeout' | 'output' | 'spawn';
  readonly message: string;
  readonly signal: string | null;
  readonly exitStatus: number | null;
  readonly stderrTail: string;
  readonly stdoutTail: string;
  /** What to try next, in words. */
  readonly suggestion: string;
  /** An allocator to re-run with, when one would tell more (the debug build). */
  readonly rerunWith?: string;
  /** The stacks of a crash, abort or hang, symbolized to function, file and line (when capture is armed). */
  readonly crash?: CrashReport;
}

export interface MissingAllocator {
  readonly allocator: string;
  readonly library: string;
  /** Debian package that provides it; empty for a path or an unbuilt bundled library. */
  readonly debianPackage: string;
  readonly hint: string;
}

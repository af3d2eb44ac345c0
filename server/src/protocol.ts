// Custom requests between the VS Code client (and any other LSP client) and the
// language server's engines. Plain types only: shared by client/, server/ and tests.

export interface BenchmarkInfo {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly source?: string;
  readonly preset?: string;
}

export interface AllocatorInfo {
  readonly name: string;
  readonly available: boolean;
  /** Debian package or build step that provides a missing allocator. */
  readonly hint?: string;
}

export interface ListBenchmarksResult {
  readonly root: string;
  readonly benchmarks: readonly BenchmarkInfo[];
  readonly allocators: readonly AllocatorInfo[];
  /** HAKMEM_* (and other) names read with getenv anywhere in the workspace: A/B knobs. */
  readonly envKnobs: readonly string[];
  readonly configErrors: readonly string[];
}

export interface RunBenchmarkParams {
  readonly benchmark: string;
  readonly allocators: readonly string[];
  readonly runs: number;
  readonly warmup?: number;
  readonly timeoutSeconds: number;
  /** Percent. */
  readonly noiseThreshold: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly matrix?: Readonly<Record<string, readonly string[]>>;
  readonly quick?: boolean;
  readonly workDoneToken?: string | number;
}

/** A compiler message from the benchmark's build (absolute file, 1-based line and column). */
export type { BuildDiagnostic as BuildProblem } from './bench/diagnostics';
import type { BuildDiagnostic } from './bench/diagnostics';

export interface RunBenchmarkResult {
  /** The message the results page renders (server/src/bench/messages.d.ts ResultsMessage). */
  readonly results: unknown;
  /** One line for the status bar: the benchmark and the comparison that matters most ("larson: hakmem 2.06× slower than tcmalloc"). */
  readonly headline: string;
  readonly buildProblems: readonly BuildDiagnostic[];
  readonly error?: string;
  /** Set when a series' spread makes the verdicts unreliable: what was seen and what to do. */
  readonly warning?: string;
}

export interface ProfileBenchmarkParams {
  readonly benchmark?: string;
  /** Or an existing perf script / folded / callgrind.out / speedscope file. */
  readonly inputPath?: string;
  readonly allocator?: string;
  readonly tool?: 'perf' | 'callgrind';
  /** Profile the benchmark's small quick arguments instead of its own (runs are then repeated until there are enough samples). */
  readonly quick?: boolean;
  readonly workDoneToken?: string | number;
}

export interface ProfileResult {
  /** server/src/profile SerialisedProfile, ready for the flamegraph page. */
  readonly profile: unknown;
  readonly title: string;
  readonly files: readonly string[];
  readonly hotFunctions: ReadonlyArray<{ name: string; selfPct: number; totalPct: number }>;
  /** Samples in the profile, when its unit is samples (perf); callgrind counts instructions. */
  readonly samples?: number;
  /** Set when the profile is too small to trust; it then does not feed lenses or the hot path. */
  readonly warning?: string;
}

/** data of the ResponseError a run or profile fails with when its build failed. */
export interface BuildFailureData {
  readonly buildProblems: readonly BuildDiagnostic[];
}

export interface LocateFunctionParams {
  readonly name: string;
}

export interface LocateFunctionResult {
  readonly uri?: string;
  readonly line?: number;
  readonly character?: number;
}

/** A starting .hakmem.json for the workspace root, proposed from what the tree shows (nothing is written). */
export interface ProposeConfigResult {
  /** Absolute path where it would be written. */
  readonly path: string;
  /** True when a .hakmem.json is already there (the client asks before replacing it). */
  readonly exists: boolean;
  readonly text: string;
  /** One line per decision (entry points, release values, exclusions). */
  readonly summary: readonly string[];
}

/** Server → client, once: the entry points reach almost nothing, so a clean result means little. */
export interface ReachNoticeParams {
  readonly message: string;
  readonly entryPoints: readonly string[];
  readonly reachable: number;
  readonly functions: number;
}

export const Requests = {
  listBenchmarks: 'hakmem/listBenchmarks',
  runBenchmark: 'hakmem/runBenchmark',
  profile: 'hakmem/profile',
  locateFunction: 'hakmem/locateFunction',
  proposeConfig: 'hakmem/proposeConfig',
} as const;

export const Notifications = {
  /** Client → server: workspace trust granted (runs become allowed). */
  trustChanged: 'hakmem/trustChanged',
  /** Server → client: ReachNoticeParams, sent instead of window/showMessage when the client asked for it (initializationOptions.reachNotice). */
  reachNotice: 'hakmem/reachNotice',
} as const;

// Custom requests between the VS Code client (and any other LSP client) and the
// language server's engines, as typed RequestTypes: the method, its params, its
// result and its error data are declared once, here, for client/, server/ and tests.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { BuildDiagnostic } from '../bench/diagnostics';
import type { ConfigProposal } from '../init/propose';
import type { CrashProblem } from '../triage/problems';
import { isRecord } from './checks';
import type { SerialisedProfile } from './flamePage';
import type { ResultsMessage } from './resultsPage';
import type { SuiteResultMessage } from './suitePage';

/** The hakmem.* settings the language server reads (sent at start and on every change). */
export interface ServerSettings {
  readonly build: 'release' | 'debug';
  readonly dimInactiveCode: boolean;
  readonly pointerKindHints: boolean;
}

/** initializationOptions of the initialize request. */
export interface InitializationOptions {
  readonly settings?: Partial<ServerSettings>;
  /** Whether the workspace is trusted (runs need it); true when absent. */
  readonly trusted?: boolean;
  /** The client shows hakmem/reachNotice itself; otherwise the server sends window/showMessage. */
  readonly reachNotice?: boolean;
}

/** settings of workspace/didChangeConfiguration. */
export interface ConfigurationSettings {
  readonly hakmem?: Partial<ServerSettings>;
}

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
  /** The budget in runs: at most this many per allocator; the run stops as soon as every comparison is decided. */
  readonly runs: number;
  /** A budget in seconds of measuring as well (0 or absent: none). */
  readonly budgetSeconds?: number;
  /** Run the whole budget and judge once (no early stop). */
  readonly fixedRuns?: boolean;
  /** taskset -c CPU list every run is pinned to. */
  readonly pinCpus?: string;
  /** Drop a first run that is an outlier (with its pair). */
  readonly discardFirstOutlier?: boolean;
  readonly warmup?: number;
  readonly timeoutSeconds: number;
  /** Percent. */
  readonly noiseThreshold: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly matrix?: Readonly<Record<string, readonly string[]>>;
  readonly quick?: boolean;
  readonly workDoneToken?: string | number;
}

export type { CrashProblem, CrashLocation } from '../triage/problems';

/** A compiler message from the benchmark's build (absolute file, 1-based line and column). */
export type { BuildDiagnostic as BuildProblem } from '../bench/diagnostics';

export interface RunBenchmarkResult {
  /** The message the results page renders. */
  readonly results: ResultsMessage;
  /** One line for the status bar: the benchmark and the comparison that matters most ("larson: hakmem 2.06× slower than tcmalloc"). */
  readonly headline: string;
  readonly buildProblems: readonly BuildDiagnostic[];
  /** Runs that crashed, aborted or hung, located at their innermost frame in the workspace. */
  readonly crashProblems: readonly CrashProblem[];
  readonly error?: string;
  /** Set when a series' spread makes the verdicts unreliable: what was seen and what to do. */
  readonly warning?: string;
}

export interface RunWorkloadSuiteParams {
  readonly allocators: readonly string[];
  /** Only these rows; every row when absent. */
  readonly rows?: readonly string[];
  readonly runs: number;
  readonly warmup?: number;
  readonly timeoutSeconds: number;
  /** Percent. */
  readonly noiseThreshold: number;
  readonly quick?: boolean;
  readonly workDoneToken?: string | number;
}

export interface SanitizeBenchmarkParams {
  readonly benchmark: string;
  /** address: ASan+UBSan; thread: TSan (for a multi-threaded benchmark). */
  readonly sanitizer: 'address' | 'thread';
  readonly timeoutSeconds: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly quick?: boolean;
  readonly workDoneToken?: string | number;
}

export interface RunWorkloadSuiteResult {
  /** The message the suite page renders. */
  readonly page: SuiteResultMessage;
  /** One line for the status bar: the subject's geometric mean and the verdict against the previous suite run. */
  readonly headline: string;
}

export interface SanitizeBenchmarkResult {
  /** Each sanitizer report at its innermost workspace frame, every stack as related locations. */
  readonly problems: readonly CrashProblem[];
  /** Reports seen, located in the workspace or not. */
  readonly reports: number;
  /** One line for a notification: what was found, or that nothing was. */
  readonly summary: string;
  /** Why nothing ran (not a bundled benchmark, the sanitizer build failed). */
  readonly error?: string;
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
  /** Ready for the flamegraph page. */
  readonly profile: SerialisedProfile;
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

export function isBuildFailureData(data: unknown): data is BuildFailureData {
  return isRecord(data) && Array.isArray(data.buildProblems);
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
export type ProposeConfigResult = ConfigProposal;

/** proposeConfig takes no parameters: an empty object. */
export type ProposeConfigParams = Readonly<Record<string, never>>;

/** Server → client, once: the entry points reach almost nothing, so a clean result means little. */
export interface ReachNoticeParams {
  readonly message: string;
  readonly entryPoints: readonly string[];
  readonly reachable: number;
  readonly functions: number;
}

export interface TrustChangedParams {
  readonly trusted: boolean;
}

export const Requests = {
  listBenchmarks: new RequestType0<ListBenchmarksResult, void>('hakmem/listBenchmarks'),
  runBenchmark: new RequestType<RunBenchmarkParams, RunBenchmarkResult, void>('hakmem/runBenchmark'),
  /** The standard workload suite, every row under every allocator (interleaved rounds per row). */
  runSuite: new RequestType<RunWorkloadSuiteParams, RunWorkloadSuiteResult, void>('hakmem/runSuite'),
  /** Re-runs a bundled benchmark with the allocator built under a sanitizer. */
  sanitizeBenchmark: new RequestType<SanitizeBenchmarkParams, SanitizeBenchmarkResult, void>('hakmem/sanitizeBenchmark'),
  /** Fails with BuildFailureData when the profiling build failed. */
  profile: new RequestType<ProfileBenchmarkParams, ProfileResult, BuildFailureData>('hakmem/profile'),
  locateFunction: new RequestType<LocateFunctionParams, LocateFunctionResult, void>('hakmem/locateFunction'),
  proposeConfig: new RequestType<ProposeConfigParams, ProposeConfigResult, void>('hakmem/proposeConfig'),
} as const;

export const Notifications = {
  /** Client → server: workspace trust granted (runs become allowed). */
  trustChanged: new NotificationType<TrustChangedParams>('hakmem/trustChanged'),
  /** Server → client, sent instead of window/showMessage when the client asked for it (InitializationOptions.reachNotice). */
  reachNotice: new NotificationType<ReachNoticeParams>('hakmem/reachNotice'),
} as const;

/** A source range, 0-based lines and UTF-16 columns (what LSP and tree-sitter both use). */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** The branch that puts code on the slow path: an unlikely condition or an error path. */
export interface SlowBranch {
  /** `after likely return`: the code after `if (likely(c)) { …; return …; }`, which runs when `c` is false. */
  readonly kind: 'unlikely branch' | 'error path' | 'after likely return';
  /** 0-based line of the `if`. */
  readonly line: number;
  /** The branch as written: `if (mi_unlikely(page == NULL))`, or `else of if (likely(p))`. */
  readonly condition: string;
}

/** `if (<test of parameters>) return …;` at the top of a body: what a caller's constant argument may make certain. */
export interface EarlyExit {
  readonly condition: string;
  /** Where the exit statement ends: code after it is unreachable when the condition holds. */
  readonly endLine: number;
  readonly endColumn: number;
}

/** A call in a function body, as the chosen build compiles it. */
export interface CallFact {
  /** The name written at the call site (a function or a function-like macro). */
  readonly callee: string;
  /** Functions the call reaches: the callee itself, or what its macro expands to (empty for a no-op macro). */
  readonly targets: readonly string[];
  /** Set when `callee` is a macro in this build. */
  readonly viaMacro: boolean;
  readonly span: Span;
  /** Inside `if (0 && …)` or another branch that can never run. */
  readonly dead: boolean;
  /** Inside an `if` that fills a static/thread-local cache once (`if (x < 0) x = …`). */
  readonly cachedInit: boolean;
  /** String-literal first argument (getenv names), without quotes. */
  readonly firstStringArg?: string;
  /** Text of the first argument (atomics: the object they update). */
  readonly firstArgText?: string;
  /** Set when the call is inside an unlikely branch or an error path. */
  readonly slow?: SlowBranch;
  /** Per argument, its value when it is an integer constant (`false`, `0`, `NULL`), else null; absent when none is. */
  readonly constArgs?: ReadonlyArray<string | null>;
}

/** What an increment updates: only global-ish scalars are statistics counters. */
export type IncrementTargetKind = 'global' | 'thread-local' | 'static-local' | 'global-field' | 'global-stat-array' | 'state' | 'local';

export interface IncrementFact {
  readonly target: string;
  readonly kind: IncrementTargetKind;
  readonly span: Span;
  readonly dead: boolean;
  readonly slow?: SlowBranch;
}

export type ColdReason =
  | 'attribute cold'
  | 'constructor'
  | 'destructor'
  | 'hakmem:cold annotation'
  | 'atexit target'
  | 'pthread_once target'
  | 'pthread_atfork target';

export interface ColdMark {
  readonly name: string;
  readonly reason: ColdReason;
}

export interface FunctionFact {
  readonly name: string;
  /** Character offsets of the definition, its body's opening brace, and its end (for incremental updates). */
  readonly range: { readonly start: number; readonly bodyStart: number; readonly end: number };
  /** Callbacks this function registers with atexit/pthread_once/pthread_atfork (cold elsewhere). */
  readonly registers: readonly ColdMark[];
  readonly nameSpan: Span;
  readonly span: Span;
  readonly isStatic: boolean;
  /** Why the function is never hot, from its own definition (name patterns are applied later). */
  readonly cold?: ColdReason;
  /** `// hakmem:hot` before the function: an entry point of the hot path. */
  readonly hotAnnotation: boolean;
  readonly calls: readonly CallFact[];
  readonly increments: readonly IncrementFact[];
  /** `__attribute__((noinline))` (directly or through a macro): allocators keep their slow paths out of line this way. */
  readonly noinline?: boolean;
  /** Parameter names in order. */
  readonly params?: readonly string[];
  readonly earlyExits?: readonly EarlyExit[];
  /** Variables and fields the function reads to decide (conditions, comparisons): `g.committed`, `n_threads`. */
  readonly decisionReads?: readonly string[];
}

/** Everything the rules and the call graph need from one file, for one build. */
export interface FileFacts {
  /** Absolute path. */
  readonly path: string;
  readonly build: 'release' | 'debug';
  readonly functions: readonly FunctionFact[];
  /** Functions made cold from elsewhere in this file: prototypes with attributes, atexit/pthread_once targets. */
  readonly coldMarks: readonly ColdMark[];
  /** Cold marks from file-level prototypes alone (the rest come from functions' `registers`). */
  readonly prototypeColdMarks: readonly ColdMark[];
  /** File-scope variables: what an increment of a non-local name updates. */
  readonly globals: ReadonlyMap<string, 'global' | 'thread-local'>;
  /** Lines compiled out in this build (0-based inclusive runs), for dimming. */
  readonly inactiveRanges: ReadonlyArray<{ readonly startLine: number; readonly endLine: number }>;
  /** Environment variables the file reads: getenv literals and HAKMEM_* strings (benchmark A/B knobs). */
  readonly envNames: readonly string[];
  /** `// hakmem-lint: ignore <code…>` comments: line → codes (empty set = every code). */
  readonly ignores: ReadonlyMap<number, ReadonlySet<string>>;
  /** Functions declared or defined here with `__attribute__((malloc))` or `alloc_size` (directly or through a macro). */
  readonly allocationAttributed?: readonly string[];
  /** Preprocessor problems (unterminated #if …). */
  readonly preprocProblems: ReadonlyArray<{ readonly line: number; readonly message: string }>;
}

import type { MacroTable } from './macroTable';

/** One macro definition, as written in a #define (or given on the command line). */
export interface MacroDef {
  name: string;
  /** Parameter names of a function-like macro; undefined for an object-like macro. */
  params?: string[];
  /** True for `...` (or GNU `args...`) as the last parameter. */
  variadic?: boolean;
  /** Replacement list with comments removed and continuations joined. */
  body: string;
  /** File of the #define; '<command-line>' for configured defines and predefines. */
  file?: string;
  /** 0-based line of the #define. */
  line: number;
}

/** Finds an included file; the caller caches file reads. */
export interface IncludeResolver {
  (name: string, system: boolean, fromFile: string | undefined): { path: string; text: string } | undefined;
}

export interface PreprocOptions {
  fileName?: string;
  defines: MacroTable;
  resolveInclude?: IncludeResolver;
  /** Maximum nesting of #include; default 16. */
  maxIncludeDepth?: number;
}

export interface PreprocProblem {
  line: number;
  message: string;
}

export interface IncludeRecord {
  line: number;
  name: string;
  system: boolean;
  resolved?: string;
}

export interface ConditionalRecord {
  line: number;
  /** Directive keyword: if, ifdef, ifndef, elif, elifdef, elifndef or else. */
  kind: string;
  condition: string;
  /** True when this branch is the one compiled. */
  value: boolean;
  /** Line of the directive closing this branch (#elif, #else or #endif), or the last line when unterminated. */
  endLine: number;
}

export interface PreprocResult {
  lineCount: number;
  /** Per 0-based line: 1 when the line is compiled in this configuration, 0 when it is in a false branch. Directive lines of an active group count as active. */
  active: Uint8Array;
  /** Maximal runs of inactive lines, 0-based inclusive, for dimming. */
  inactiveRanges: Array<{ startLine: number; endLine: number }>;
  /** Every #include in active code, with the resolved path when the resolver found it. */
  includes: IncludeRecord[];
  /** The definition of `name` in effect at `line` of this file, or undefined. */
  macroAt(name: string, line: number): MacroDef | undefined;
  /** Every definition in effect somewhere in this file (configured, from headers, from the file). */
  definitions(): MacroDef[];
  /** Table in effect at the end of the file (what a file including this one would see). */
  finalMacros: MacroTable;
  /** Structural problems, bad #if expressions, active #error, include failures. */
  problems: PreprocProblem[];
  /** For each branch of a conditional evaluated in active code: condition text and whether it was taken. */
  conditionals: ConditionalRecord[];
}

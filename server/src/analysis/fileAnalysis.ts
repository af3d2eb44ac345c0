import { dirname, resolve } from 'node:path';
import type { Parser, Query } from 'web-tree-sitter';
import type { BuildName, HakmemConfig } from '../config/config';
import { HeaderConstants, runtimeConstants, type RuntimeConstants } from '../facts/constant';
import { extractFacts } from '../facts/extract';
import { updateFacts } from '../facts/incremental';
import type { FileFacts } from '../facts/types';
import { allocationAttributed } from '../hotpath/allocatorAttributes';
import type { IncrementalTree } from '../parse/incrementalTree';
import { syntaxView } from '../parse/syntaxView';
import { extractPointerFacts, parsePointerConfig, type PointerConfig, type PointerFileFacts } from '../pointers';
import { defaultPredefines, evaluatePreprocessor, MacroTable, type PreprocOptions, type PreprocResult } from '../preproc';

/** What analysing one file needs, shared by the workspace and its indexing workers. */
export interface AnalysisContext {
  readonly parser: Parser;
  readonly query: Query;
  readonly build: BuildName;
  readonly config: HakmemConfig;
  readonly pointerConfig: PointerConfig;
  readonly pointersEnabled: boolean;
  readonly baseMacros: MacroTable;
  /** The text of a file (an open editor's, else the disk's), or null. */
  readSource(path: string): string | null;
}

export interface FileAnalysis {
  readonly facts: FileFacts;
  readonly pointerFacts: PointerFileFacts;
  /** Headers the preprocessing read (an edit to one re-evaluates this file). */
  readonly deps: readonly string[];
  /** The text the tree was parsed from (see syntaxView), for a whole file analysed here (not a slice, not in a worker). */
  readonly view?: string;
}

export function buildMacros(config: HakmemConfig, build: BuildName): MacroTable {
  const b = config.builds[build];
  const table = MacroTable.from({ ...defaultPredefines(), ...b.defines });
  for (const name of b.undefines) table.undef(name);
  return table;
}

export function pointerConfigOf(config: HakmemConfig): PointerConfig {
  // Config problems in "pointers" were reported by the config loader; what parses is used.
  return parsePointerConfig(config.pointers).config;
}

export function noPointerFacts(path: string): PointerFileFacts {
  return { path, functions: [], prototypes: [], annotations: [], macros: {}, macroNames: [], constants: {} };
}

/** `dir/name` resolved: a tree's files include the same headers from the same folders thousands of times. */
const candidates = new Map<string, string>();
const CANDIDATES_LIMIT = 50_000;

function includeCandidate(dir: string, name: string): string {
  const key = dir + '\0' + name;
  let path = candidates.get(key);
  if (path === undefined) {
    if (candidates.size >= CANDIDATES_LIMIT) candidates.clear();
    candidates.set(key, (path = resolve(dir, name)));
  }
  return path;
}

function preprocessOptions(ctx: AnalysisContext, path: string, deps: Set<string>, headers?: Map<string, string>): PreprocOptions {
  return {
    fileName: path,
    defines: ctx.baseMacros.clone(),
    resolveInclude: (name, system, from) => {
      const dirs = [...(system ? [] : [dirname(from ?? path)]), ...ctx.config.includePaths];
      for (const dir of dirs) {
        const candidate = includeCandidate(dir, name);
        const source = ctx.readSource(candidate);
        if (source !== null) {
          deps.add(candidate);
          headers?.set(candidate, source);
          return { path: candidate, text: source };
        }
      }
      return undefined;
    },
  };
}

/** Per build's macro table (one per workspace configuration and build), so header values are computed once. */
const headerConstants = new WeakMap<MacroTable, HeaderConstants>();

/** `static const` config values of the file and of the headers it includes (the values `if (config_debug)` tests). */
function constantsOf(ctx: AnalysisContext, text: string, preproc: PreprocResult, headers: ReadonlyMap<string, string>): RuntimeConstants {
  let cache = headerConstants.get(ctx.baseMacros);
  if (!cache) headerConstants.set(ctx.baseMacros, (cache = new HeaderConstants((header) => preprocessOptions(ctx, header, new Set()))));
  const out = new Map<string, bigint>();
  for (const [header, source] of headers) for (const [name, value] of cache.of(header, source)) out.set(name, value);
  for (const [name, value] of runtimeConstants(text, preproc)) out.set(name, value);
  return out;
}

const PARSE_PIECE = 64 * 1024;
/** Character offsets → the range tree-sitter wants (web-tree-sitter takes character units here). */
function includedRange(
  text: string,
  start: number,
  end: number,
): { startIndex: number; endIndex: number; startPosition: { row: number; column: number }; endPosition: { row: number; column: number } } {
  const point = (index: number): { row: number; column: number } => {
    let row = 0;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
      row++;
      lineStart = i + 1;
    }
    return { row, column: index - lineStart };
  };
  return { startIndex: start, endIndex: end, startPosition: point(start), endPosition: point(end) };
}

/** The syntax view of one file (what analyseText parses), for a tree made outside analysis (quick fixes). */
export function analyseView(ctx: AnalysisContext, path: string, text: string): string {
  return syntaxView(text, evaluatePreprocessor(text, preprocessOptions(ctx, path, new Set())));
}

/**
 * Analyses one file: preprocessor, syntax view, parse (incremental when the
 * editor keeps the document's tree in `syntax`), facts and pointer facts.
 * With `range`, only that slice of the file is parsed and extracted (indexing
 * a huge file in parallel slices). `previous.text` is the previous view.
 */
export function analyseText(
  ctx: AnalysisContext,
  path: string,
  text: string,
  options: {
    readonly syntax?: IncrementalTree;
    readonly range?: readonly [number, number];
    readonly previous?: { facts: FileFacts; text: string };
    /** Slices of one text analysed one after the other share its view: one copy of a huge file, not one per slice. */
    readonly sharedView?: { view?: string };
  } = {},
): FileAnalysis {
  const deps = new Set<string>();
  const headers = new Map<string, string>();
  const preproc = evaluatePreprocessor(text, preprocessOptions(ctx, path, deps, headers));
  const constants = constantsOf(ctx, text, preproc, headers);
  // What the compiler sees, at the source's positions: macros that would break the grammar's parse rewritten.
  const range = options.range;
  const shared = options.sharedView;
  const view = shared ? (shared.view ??= syntaxView(text, preproc)) : syntaxView(text, preproc, range);
  // Text handed over in pieces: the parser never holds a second, UTF-16 copy of a huge file.
  const input = (index: number): string => view.slice(index, index + PARSE_PIECE);
  const tree = options.syntax
    ? options.syntax.update(ctx.parser, view)
    : ctx.parser.parse(input, null, range ? { includedRanges: [includedRange(view, range[0], range[1])] } : undefined);
  if (!tree) throw new Error(`could not parse ${path}`);
  try {
    // An edit inside one function body (typing) re-extracts that function only.
    const incremental =
      options.previous && options.syntax
        ? updateFacts(options.previous.facts, options.previous.text, view, tree, ctx.query, preproc, constants, text)
        : undefined;
    const extracted = incremental ?? extractFacts(path, view, tree, ctx.query, preproc, ctx.build, undefined, constants, text);
    // An edit inside one function body changes no declaration: its attributes stay as they were.
    const attributed = (incremental && options.previous?.facts.allocationAttributed) || allocationAttributed(text, preproc, range);
    const facts: FileFacts = { ...extracted, allocationAttributed: attributed };
    const pointerFacts = ctx.pointersEnabled ? extractPointerFacts(path, view, tree, preproc, ctx.pointerConfig) : noPointerFacts(path);
    return { facts, pointerFacts, deps: [...deps], ...(range ? {} : { view }) };
  } finally {
    if (!options.syntax) tree.delete();
  }
}

/**
 * Offsets that cut a C file into `parts` slices at top-level boundaries: the
 * start of a blank line that follows a `}` alone in column 0 (the end of a
 * function). A cut may fall inside an #if group: the slices then hold an
 * unterminated #if or a stray #endif, which the grammar recovers from without
 * touching the functions, and which conditions are decided from the whole
 * text anyway. Fewer cuts (or none) when the file has no such place.
 */
export function sliceBoundaries(text: string, parts: number): number[] {
  if (parts < 2) return [];
  const candidates: number[] = [];
  for (let i = text.indexOf('\n}\n'); i >= 0; i = text.indexOf('\n}\n', i + 1)) {
    const blank = i + 3;
    const next = text.indexOf('\n', blank);
    if (text.slice(blank, next < 0 ? text.length : next).trim() === '') candidates.push(blank);
  }
  const cuts: number[] = [];
  for (let k = 1; k < parts; k++) {
    const goal = (text.length * k) / parts;
    let best = -1;
    for (const c of candidates) if (best < 0 || Math.abs(c - goal) < Math.abs(best - goal)) best = c;
    if (best > 0 && best < text.length && !cuts.includes(best)) cuts.push(best);
  }
  return cuts.sort((a, b) => a - b);
}

/** Joins the facts of a file's slices (in order) into the facts of the whole file. */
export function mergeSlices(slices: readonly FileAnalysis[]): FileAnalysis {
  const first = slices[0]!;
  if (slices.length === 1) return first;
  const facts = slices.map((s) => s.facts);
  const globals = new Map(facts.flatMap((f) => [...f.globals]));
  const prototypeColdMarks = facts.flatMap((f) => f.prototypeColdMarks);
  const functions = facts.flatMap((f) => f.functions);
  return {
    facts: {
      ...first.facts,
      functions,
      globals,
      prototypeColdMarks,
      coldMarks: [...prototypeColdMarks, ...functions.flatMap((f) => f.registers)],
      envNames: [...new Set(facts.flatMap((f) => f.envNames))].sort(),
      allocationAttributed: [...new Set(facts.flatMap((f) => f.allocationAttributed ?? []))].sort(),
    },
    pointerFacts: {
      ...first.pointerFacts,
      functions: slices.flatMap((s) => s.pointerFacts.functions),
      prototypes: slices.flatMap((s) => s.pointerFacts.prototypes),
      annotations: slices.flatMap((s) => s.pointerFacts.annotations),
      macros: Object.assign({}, ...slices.map((s) => s.pointerFacts.macros)) as PointerFileFacts['macros'],
      macroNames: [...new Set(slices.flatMap((s) => s.pointerFacts.macroNames))],
      constants: Object.assign({}, ...slices.map((s) => s.pointerFacts.constants)) as PointerFileFacts['constants'],
    },
    deps: [...new Set(slices.flatMap((s) => s.deps))],
  };
}

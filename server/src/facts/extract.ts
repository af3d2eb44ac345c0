import type { Node as SyntaxNode, Query, QueryMatch, Tree } from 'web-tree-sitter';
import { expandMacros, macroCalls, macroIsNoOp, type MacroDef, type PreprocResult } from '../preproc';
import { branchHint, constantArguments, isErrorPath, MAY_HINT, readPaths } from './branches';
import { constantFalse, constantValue, withConstants, type RuntimeConstants } from './constant';
import {
  annotationAbove,
  declaredNames,
  environmentNames,
  IDENT,
  ignoreComments,
  LineIndex,
  parameterName,
  splitTopLevel,
  stripParens,
} from './text';
import type {
  CallFact,
  ColdMark,
  ColdReason,
  EarlyExit,
  FileFacts,
  FunctionFact,
  IncrementFact,
  IncrementTargetKind,
  SlowBranch,
  Span,
} from './types';

/**
 * One query for everything the rules need, so a file is walked once inside the
 * wasm; names are then read from the text, which is far cheaper than walking
 * nodes from JavaScript.
 */
export const FACTS_QUERY = `
(function_definition) @fn
(call_expression function: (identifier) @callee) @call
(expression_statement (identifier) @stmtident)
(update_expression argument: (_) @inc) @incexpr
(assignment_expression left: (_) @compound operator: ["+=" "-="]) @compexpr
(assignment_expression left: (identifier) @assigned)
(if_statement condition: (_) @ifcond consequence: (_) @ifbody alternative: (_)? @ifelse) @ifstmt
(declaration) @decl
(ERROR) @error
[(while_statement condition: (_) @decides) (do_statement condition: (_) @decides) (for_statement condition: (_) @decides) (switch_statement condition: (_) @decides) (conditional_expression condition: (_) @decides)]
`;

/** Callees whose first argument the rules read (getenv names, atomics' targets, callback registrars). */
const ARGUMENT_READERS =
  /^(getenv|secure_getenv|syscall$|atomic_|__atomic_|__sync_|_?Interlocked|atexit$|on_exit$|__cxa_atexit$|pthread_once$|pthread_atfork$)/;
const NOT_A_CALL = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
  'defined',
  '_Alignof',
  'alignof',
  '__typeof__',
  'typeof',
  '__attribute__',
  '_Generic',
  '_Static_assert',
  'do',
  'else',
  'case',
]);

/** Functions that register callbacks run once or at exit, and which arguments are those callbacks. */
const COLD_TARGET_FUNCTIONS: Readonly<Record<string, { reason: ColdReason; args: readonly number[] }>> = {
  atexit: { reason: 'atexit target', args: [0] },
  on_exit: { reason: 'atexit target', args: [0] },
  __cxa_atexit: { reason: 'atexit target', args: [0] },
  pthread_once: { reason: 'pthread_once target', args: [1] },
  pthread_atfork: { reason: 'pthread_atfork target', args: [0, 1, 2] },
};

function coldTargetsOf(callee: string, call: SyntaxNode): Array<{ name: string; reason: ColdReason }> {
  const registrar = COLD_TARGET_FUNCTIONS[callee];
  if (!registrar) return [];
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  const marks: Array<{ name: string; reason: ColdReason }> = [];
  for (const i of registrar.args) {
    let arg = args[i];
    if (arg?.type === 'pointer_expression') arg = arg.namedChildren[0] ?? null;
    if (arg?.type === 'identifier' && arg.text !== 'NULL') marks.push({ name: arg.text, reason: registrar.reason });
  }
  return marks;
}

/** A thread-local declaration, tried at the start of a line that names the keyword. */
const THREAD_LOCAL_DECLARATION =
  /[ \t]*(?:static[ \t]+)?(?:_Thread_local|__thread|thread_local)\b[^;=(){}]*?([A-Za-z_]\w*)[ \t]*(?:\[[^\]]*\])?[ \t]*[=;]/y;
const THREAD_LOCAL_KEYWORD = /\b(?:_Thread_local|__thread|thread_local)\b/g;
let threadLocalsCache: { text: string; names: string[] } | undefined;

/**
 * Names declared thread-local at the start of a line. The keyword is found
 * first and the declaration read from its line only: a `^…` pattern tried at
 * every line of a 10 MB file costs more than the rest of the scan. The slices
 * of one file ask for the same text one after the other: the last answer is kept.
 */
function threadLocalNames(text: string): string[] {
  if (threadLocalsCache?.text === text) return threadLocalsCache.names;
  const names: string[] = [];
  let lastLine = -1;
  THREAD_LOCAL_KEYWORD.lastIndex = 0;
  for (let k = THREAD_LOCAL_KEYWORD.exec(text); k; k = THREAD_LOCAL_KEYWORD.exec(text)) {
    const lineStart = text.lastIndexOf('\n', k.index - 1) + 1;
    if (lineStart === lastLine) continue;
    lastLine = lineStart;
    THREAD_LOCAL_DECLARATION.lastIndex = lineStart;
    const m = THREAD_LOCAL_DECLARATION.exec(text);
    if (m) names.push(m[1]!);
  }
  threadLocalsCache = { text, names };
  return names;
}
const STAT_NAME = /stat|calls|hits|miss|total|counter|_cnt\b|^g_n_|count_(?:alloc|free)/i;
const ATOMIC_ARITH =
  /^(atomic_fetch_(add|sub|or|and|xor)(_explicit)?|__atomic_(fetch_add|fetch_sub|add_fetch|sub_fetch)|__sync_(fetch_and_add|fetch_and_sub|add_and_fetch|sub_and_fetch)|_InterlockedIncrement|InterlockedIncrement)$/;

interface RawFunction {
  readonly registers: ColdMark[];
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly fact: MutableFunction;
  /** Automatic locals and parameters (shadow globals); static locals are listed apart. */
  readonly locals: Set<string>;
  readonly staticLocals: Set<string>;
  readonly ifs: IfInfo[];
  readonly assignments: Array<{ name: string; index: number }>;
  /** Unlikely branches and error paths in the body, outermost first. */
  readonly slowRegions: Array<{ start: number; end: number; branch: SlowBranch }>;
  readonly earlyExits: EarlyExit[];
  readonly decisionReads: Set<string>;
}

interface MutableFunction extends Omit<FunctionFact, 'calls' | 'increments'> {
  calls: CallFact[];
  increments: IncrementFact[];
}

interface IfInfo {
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly dead: boolean;
  /** Part of the condition never evaluated (after a constant-false `&&` operand), as offsets; empty when none. */
  readonly deadCondStart: number;
  readonly deadCondEnd: number;
  readonly condIdents: ReadonlySet<string>;
}

type MacroLookup = (name: string, line: number) => MacroDef | undefined;

/** Query in slices of about this many characters: match objects of a huge file never all live at once. */
const CHUNK_CHARS = 256 * 1024;

/** Ranges that cover the file and end on node boundaries (big nodes are split into their children). */
function chunkRanges(node: SyntaxNode, out: Array<[number, number]> = []): Array<[number, number]> {
  let start = -1;
  let end = -1;
  for (const child of node.children) {
    if (!child) continue;
    if (child.endIndex - child.startIndex > CHUNK_CHARS && child.childCount > 0) {
      if (start >= 0) out.push([start, end]);
      start = -1;
      chunkRanges(child, out);
      continue;
    }
    if (start < 0) start = child.startIndex;
    end = child.endIndex;
    if (end - start >= CHUNK_CHARS) {
      out.push([start, end]);
      start = -1;
    }
  }
  if (start >= 0) out.push([start, end]);
  return out;
}

/**
 * Every match of the query, chunk by chunk. A match crossing a chunk boundary is
 * reported once. (Query ranges are in bytes of the UTF-16 text tree-sitter holds.)
 */
function* chunkedMatches(query: Query, root: SyntaxNode, only?: readonly [number, number]): Generator<QueryMatch[]> {
  const seen = new Set<string>();
  const ranges = only
    ? [only]
    : root.endIndex - root.startIndex > CHUNK_CHARS
      ? chunkRanges(root)
      : [[root.startIndex, root.endIndex] as [number, number]];
  for (const [start, end] of ranges) {
    const matches = query.matches(root, { startIndex: start * 2, endIndex: end * 2 });
    yield matches.filter((m) => {
      const first = m.captures[0]?.node;
      if (only && first && (first.startIndex < start || first.endIndex > end)) return false;
      if (!first || (first.startIndex >= start && first.endIndex <= end)) return true;
      const key = `${m.patternIndex}:${first.startIndex}:${first.endIndex}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

/** The identifier a function declarator declares (through pointers and parentheses). */
function functionName(fnNode: SyntaxNode): SyntaxNode | null {
  let node: SyntaxNode | null = fnNode.childForFieldName('declarator');
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'function_declarator') {
      const inner = node.childForFieldName('declarator');
      if (inner?.type === 'identifier') return inner;
      node = inner;
      continue;
    }
    if (node.type === 'identifier') return null;
    node = node.childForFieldName('declarator');
  }
  return null;
}

/** The attribute lists of a signature prefix, attribute-ish identifiers expanded through macros. */
function attributeText(prefix: string, line: number, macroAt: MacroLookup): string {
  let text = prefix;
  let functionLike = false;
  for (const m of prefix.matchAll(IDENT)) {
    const def = macroAt(m[0], line);
    if (def && !def.params) text += ' ' + def.body;
    else if (def) functionLike = true;
  }
  // Nested and function-like attribute macros (`JEMALLOC_COLD` → `JEMALLOC_ATTR(__cold__)` → `__attribute__((__cold__))`).
  if ((functionLike || /\b[A-Za-z_]\w*\s*\(/.test(text.slice(prefix.length))) && /cold|structor/.test(text)) {
    const expanded = expandMacros(prefix, (n) => macroAt(n, line));
    if ('text' in expanded) text += ' ' + expanded.text;
  }
  return [...text.matchAll(/(?:__attribute__\s*\(\(|__declspec\s*\()(.*?)\)\)?/gs)].map((m) => m[1] ?? '').join(',');
}

/** A signature prefix with the bodies of its macros appended, a few levels deep (`JEMALLOC_NOINLINE` → `JEMALLOC_ATTR(noinline)`). */
function expandedPrefix(prefix: string, line: number, macroAt: MacroLookup): string {
  let text = prefix;
  let frontier = prefix;
  for (let depth = 0; depth < 3 && frontier; depth++) {
    let added = '';
    for (const m of frontier.matchAll(IDENT)) {
      const def = macroAt(m[0], line);
      if (def) added += ' ' + def.body;
    }
    text += added;
    frontier = added;
  }
  return text;
}

/** `cold`, `constructor` or `destructor` among a signature's attributes. */
function attributeReason(prefix: string, line: number, macroAt: MacroLookup): ColdReason | undefined {
  const attrs = attributeText(prefix, line, macroAt);
  if (/\b_{0,2}cold_{0,2}\b/.test(attrs)) return 'attribute cold';
  if (/\b_{0,2}constructor_{0,2}\b/.test(attrs)) return 'constructor';
  if (/\b_{0,2}destructor_{0,2}\b/.test(attrs)) return 'destructor';
  return undefined;
}

/** Condition text for messages: one line, at most 80 characters. */
function shownCondition(cond: string): string {
  const one = cond.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? one.slice(0, 77) + '…' : one;
}

/** Bodies longer than this are not error paths (those report and leave in a few lines). */
const ERROR_PATH_MAX = 2000;
const EARLY_RETURN = /^\{?\s*return\b[^;{}]*;\s*\}?$/;
/** A branch body that always leaves: it ends with a return. */
const LEAVES_BLOCK = /\breturn\b[^;{}]*;\s*\}?$/;

/** Index of the `)` closing the `(` at `open` (attribute macros may follow it), or -1. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = Math.max(0, open); i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * Where a declaration starts in the source: attribute macros the syntax view
 * blanked before `index` (`JEMALLOC_ATTR(malloc) void *f`) belong to it.
 */
function sourceStart(view: string, source: string, index: number): number {
  let p = index;
  while (p > 0 && /\s/.test(view[p - 1]!)) p--;
  for (let i = p; i < index; i++) if (!/\s/.test(source[i]!)) return i;
  return index;
}

function stringLiteralValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || node.type !== 'string_literal') return undefined;
  const raw = node.text;
  return raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : undefined;
}

/**
 * Extracts the facts of one parsed file for one build. `preproc` is the same
 * file evaluated with that build's defines; code on inactive lines is dropped.
 */
export function extractFacts(
  path: string,
  text: string,
  tree: Tree,
  query: Query,
  preproc: PreprocResult,
  build: 'release' | 'debug',
  /** Extract only the functions inside this range, knowing the file's globals (incremental updates). */
  only?: { readonly range: readonly [number, number]; readonly globals: ReadonlyMap<string, 'global' | 'thread-local'> },
  /** `static const` config values of this build (jemalloc's config_debug), which decide `if`s like constants. */
  constants?: RuntimeConstants,
  /** The source when `text` is its syntax view (attribute macros are read from it). */
  source: string = text,
): FileFacts {
  const lines = new LineIndex(text);
  // Compared once: two long equal-length strings compare character by character.
  const rewritten = source !== text;
  const macroAt: MacroLookup = (name, line) => preproc.macroAt(name, line);
  const valueAt = (line: number): ((name: string) => MacroDef | undefined) => withConstants((n) => macroAt(n, line), constants);
  const isActive = (line: number): boolean => preproc.active[line] !== 0;
  const spanAt = (startIndex: number, endIndex: number): Span => {
    const line = lines.lineOf(startIndex);
    const endLine = lines.lineOf(endIndex);
    return { line, column: lines.columnOf(startIndex, line), endLine, endColumn: lines.columnOf(endIndex, endLine) };
  };
  // Macros that carry cold/constructor attributes: a prototype is only examined when it uses one.
  const attributeMacros = new Set<string>();
  for (const name of preproc.finalMacros.names()) {
    const def = preproc.finalMacros.get(name);
    if (def && /__attribute__[\s\S]*\b_{0,2}(cold|constructor|destructor)_{0,2}\b/.test(def.body)) attributeMacros.add(name);
  }
  const mayCarryAttribute = (declText: string): boolean =>
    declText.includes('__attribute__') || [...attributeMacros].some((m) => declText.includes(m));
  // Macros that carry a branch hint under a name of their own (`#define EXPECT_FALSE(x) __builtin_expect(x, 0)`).
  const hintMacros = new Set<string>();
  for (const name of preproc.finalMacros.names()) {
    if (preproc.finalMacros.get(name)?.body.includes('__builtin_expect')) hintMacros.add(name);
  }
  const mayHint = (cond: string): boolean =>
    MAY_HINT.test(cond) || (hintMacros.size > 0 && (cond.match(IDENT) ?? []).some((id) => hintMacros.has(id)));

  const functions: RawFunction[] = [];
  const registerFunctions = (matches: readonly QueryMatch[]): void => {
    const added: RawFunction[] = [];
    for (const match of matches) {
      const node = match.captures[0]?.node;
      if (match.patternIndex !== 0 || !node) continue;
      const nameNode = functionName(node);
      const body = node.childForFieldName('body');
      if (!nameNode || !body) continue;
      const declStart = rewritten ? sourceStart(text, source, node.startIndex) : node.startIndex;
      const startLine = lines.lineOf(declStart);
      const prefix = text.slice(node.startIndex, nameNode.startIndex);
      // Parameters from the declarator's text, `(size_t n, void **slot)` → n, slot: no node per parameter.
      const paramText = text.slice(nameNode.endIndex, body.startIndex);
      const open = paramText.indexOf('(');
      const close = matchingParen(paramText, open);
      const params = new Set<string>();
      if (open >= 0 && close > open) {
        for (const piece of splitTopLevel(paramText.slice(open + 1, close), ',')) {
          const name = parameterName(piece);
          if (name) params.add(name);
        }
      }
      const annotation = annotationAbove(lines, startLine);
      // Attributes before the name and after the parameters, as written (macros included).
      const suffix = close > open ? source.slice(nameNode.endIndex + close + 1, body.startIndex) : '';
      const declared = source.slice(declStart, nameNode.startIndex) + (suffix.trim() ? ' ' + suffix : '');
      const attr = attributeReason(declared, startLine, macroAt);
      const noinline = /\b(?:__)?noinline(?:__)?\b/.test(expandedPrefix(declared, startLine, macroAt));
      const cold: ColdReason | undefined = annotation === 'cold' ? 'hakmem:cold annotation' : attr;
      added.push({
        registers: [],
        start: node.startIndex,
        end: node.endIndex,
        bodyStart: body.startIndex,
        fact: {
          name: nameNode.text,
          range: { start: node.startIndex, bodyStart: body.startIndex, end: node.endIndex },
          registers: [],
          nameSpan: spanAt(nameNode.startIndex, nameNode.endIndex),
          span: spanAt(node.startIndex, node.endIndex),
          isStatic: /\bstatic\b/.test(prefix),
          ...(cold ? { cold } : {}),
          hotAnnotation: annotation === 'hot',
          calls: [],
          increments: [],
          ...(noinline ? { noinline } : {}),
          params: [...params],
        },
        locals: params,
        staticLocals: new Set(),
        ifs: [],
        assignments: [],
        slowRegions: [],
        earlyExits: [],
        decisionReads: new Set(),
      });
    }
    // Chunks come in file order: this chunk's functions all start after the earlier ones.
    functions.push(...added.sort((a, b) => a.start - b.start));
  };

  const enclosing = (index: number): RawFunction | undefined => {
    let lo = 0;
    let hi = functions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = functions[mid]!;
      if (index < f.start) hi = mid - 1;
      else if (index >= f.end) lo = mid + 1;
      else return f;
    }
    return undefined;
  };

  const prototypeColdMarks: ColdMark[] = [];
  const globals = new Map<string, 'global' | 'thread-local'>(only?.globals ?? []);
  // Thread-locals from the text, so a slice of the file classifies counters like the whole file does.
  for (const name of threadLocalNames(text)) globals.set(name, 'thread-local');
  const calleeStarts = new Set<number>();
  interface PendingCall {
    fn: RawFunction;
    callee: string;
    start: number;
    end: number;
    args?: SyntaxNode;
    /** A call_expression node's extent, so its argument text can be read. */
    whole?: boolean;
  }
  const pendingCalls: PendingCall[] = [];
  const pendingIncrements: Array<{ fn: RawFunction; target: string; start: number; end: number }> = [];
  const errors: Array<{ start: number; end: number }> = [];

  // Pass 1, chunk by chunk: functions, then every other match (calls and increments are classified after).
  for (const matches of chunkedMatches(query, tree.rootNode, only?.range)) {
    registerFunctions(matches);
    for (const match of matches) {
      const caps = match.captures;
      const first = caps[0]!.node;
      switch (match.patternIndex) {
        case 1: {
          const call = caps.find((c) => c.name === 'call')!.node;
          const callee = caps.find((c) => c.name === 'callee')!.node;
          const line = lines.lineOf(callee.startIndex);
          if (!isActive(line)) break;
          calleeStarts.add(callee.startIndex);
          const name = callee.text;
          // Arguments cross the wasm boundary only for the few callees whose arguments matter.
          const args = ARGUMENT_READERS.test(name) ? (call.childForFieldName('arguments') ?? undefined) : undefined;
          const fn = enclosing(call.startIndex);
          if (fn)
            pendingCalls.push({ fn, callee: name, start: call.startIndex, end: call.endIndex, whole: true, ...(args ? { args } : {}) });
          if (args && fn) fn.registers.push(...coldTargetsOf(name, call));
          break;
        }
        case 2: {
          const line = lines.lineOf(first.startIndex);
          const fn = enclosing(first.startIndex);
          if (fn && isActive(line) && macroAt(first.text, line))
            pendingCalls.push({ fn, callee: first.text, start: first.startIndex, end: first.endIndex });
          break;
        }
        case 3:
        case 4: {
          const target = caps.find((c) => c.name === 'inc' || c.name === 'compound')!.node;
          const expr = caps.find((c) => c.name === 'incexpr' || c.name === 'compexpr')!.node;
          const fn = enclosing(expr.startIndex);
          if (fn && isActive(lines.lineOf(expr.startIndex)))
            pendingIncrements.push({ fn, target: target.text, start: expr.startIndex, end: expr.endIndex });
          break;
        }
        case 5: {
          const fn = enclosing(first.startIndex);
          if (fn) fn.assignments.push({ name: first.text, index: first.startIndex });
          break;
        }
        case 6: {
          const cond = caps.find((c) => c.name === 'ifcond')!.node;
          const body = caps.find((c) => c.name === 'ifbody')!.node;
          const alternative = caps.find((c) => c.name === 'ifelse')?.node;
          const fn = enclosing(cond.startIndex);
          if (!fn) break;
          // Copied out of the tree, not sliced from the text: facts keep pieces of it, which must not pin a huge file.
          const condText = cond.text;
          const line = lines.lineOf(cond.startIndex);
          const lookup = valueAt(line);
          const dead = constantFalse(condText, lookup);
          const condIdents = new Set(condText.match(IDENT) ?? []);
          fn.ifs.push({
            bodyStart: body.startIndex,
            bodyEnd: body.endIndex,
            dead: dead !== undefined,
            deadCondStart: dead?.deadFrom !== undefined ? cond.startIndex + dead.deadFrom : 0,
            deadCondEnd: dead?.deadFrom !== undefined ? cond.endIndex : 0,
            condIdents,
          });
          for (const path of readPaths(condText)) fn.decisionReads.add(path);
          const alwaysTaken =
            !dead && (alternative || EARLY_RETURN.test(text.slice(body.startIndex, Math.min(body.endIndex, body.startIndex + 200)).trim()))
              ? (constantValue(condText, lookup) ?? 0n) !== 0n
              : false;
          if (alwaysTaken && alternative) {
            fn.ifs.push({
              bodyStart: alternative.startIndex,
              bodyEnd: alternative.endIndex,
              dead: true,
              deadCondStart: 0,
              deadCondEnd: 0,
              condIdents: new Set(),
            });
          } else if (alwaysTaken) {
            // `if (!config_stats) return;` directly in the body: the rest of the function is not compiled in.
            const stmt = caps.find((c) => c.name === 'ifstmt')?.node;
            if (stmt && stmt.parent?.startIndex === fn.bodyStart) {
              fn.ifs.push({
                bodyStart: stmt.endIndex,
                bodyEnd: fn.end,
                dead: true,
                deadCondStart: 0,
                deadCondEnd: 0,
                condIdents: new Set(),
              });
            }
          }
          const shown = `if ${shownCondition(condText)}`;
          const hint = mayHint(condText) ? branchHint(condText, lookup) : undefined;
          const bodyText = body.endIndex - body.startIndex <= ERROR_PATH_MAX ? text.slice(body.startIndex, body.endIndex) : '';
          if (hint === 'unlikely') {
            fn.slowRegions.push({
              start: body.startIndex,
              end: body.endIndex,
              branch: { kind: 'unlikely branch', line, condition: shown },
            });
          } else if (bodyText && isErrorPath(bodyText)) {
            fn.slowRegions.push({ start: body.startIndex, end: body.endIndex, branch: { kind: 'error path', line, condition: shown } });
          }
          if (hint === 'likely' && alternative) {
            fn.slowRegions.push({
              start: alternative.startIndex,
              end: alternative.endIndex,
              branch: { kind: 'unlikely branch', line, condition: `else of ${shown}` },
            });
          } else if (hint === 'likely' && LEAVES_BLOCK.test(bodyText.trim())) {
            // rpmalloc's `if (EXPECTED(block)) { …; return block; } return fallback(…);`: what follows is the slow path.
            const stmt = caps.find((c) => c.name === 'ifstmt')?.node;
            const block = stmt?.parent;
            if (stmt && block?.type === 'compound_statement') {
              fn.slowRegions.push({
                start: stmt.endIndex,
                end: block.endIndex,
                branch: { kind: 'after likely return', line, condition: shown },
              });
            }
          }
          // `if (!create_on_demand) return NULL;` at the top of the body: a caller's constant may make it certain.
          if (!alternative && EARLY_RETURN.test(bodyText.trim()) && [...condIdents].some((id) => fn.fact.params?.includes(id))) {
            const stmt = caps.find((c) => c.name === 'ifstmt')?.node;
            if (stmt && stmt.parent?.startIndex === fn.bodyStart) {
              const end = spanAt(stmt.startIndex, stmt.endIndex);
              fn.earlyExits.push({ condition: condText, endLine: end.endLine, endColumn: end.endColumn });
            }
          }
          break;
        }
        case 7: {
          const fn = enclosing(first.startIndex);
          const declText = first.text;
          const declSource = rewritten ? source.slice(sourceStart(text, source, first.startIndex), first.endIndex) : declText;
          const isStatic = /^\s*(?:\w+\s+)*static\b/.test(declText);
          const isTls = /\b(_Thread_local|__thread|thread_local)\b/.test(declText);
          const inBody = fn !== undefined && first.startIndex >= fn.bodyStart;
          // `size_t c = g.committed;` copies a value to decide on it later: a read like a condition's.
          const init = inBody ? declText.indexOf('=') : -1;
          if (init >= 0 && declText.length < 2000) for (const path of readPaths(declText.slice(init + 1))) fn!.decisionReads.add(path);
          for (const d of declaredNames(declText)) {
            if (d.isFunction) {
              // A prototype may carry the cold/constructor attribute for a function defined elsewhere.
              const reason = mayCarryAttribute(declSource)
                ? attributeReason(declSource, lines.lineOf(first.startIndex), macroAt)
                : undefined;
              if (reason) prototypeColdMarks.push({ name: d.name, reason });
            } else if (inBody) {
              if (isStatic || isTls) fn.staticLocals.add(d.name);
              else fn.locals.add(d.name);
            } else if (!fn) {
              globals.set(d.name, isTls ? 'thread-local' : 'global');
            }
          }
          break;
        }
        case 8:
          errors.push({ start: first.startIndex, end: first.endIndex });
          break;
        case 9: {
          const fn = enclosing(first.startIndex);
          if (fn) for (const path of readPaths(first.text)) fn.decisionReads.add(path);
          break;
        }
      }
    }
  }

  // Calls inside ERROR nodes that the grammar did not shape into call_expressions (outermost ERROR nodes only).
  errors.sort((a, b) => a.start - b.start || b.end - a.end);
  let coveredUntil = -1;
  for (const err of errors) {
    if (err.start < coveredUntil) continue;
    coveredUntil = err.end;
    const fn = enclosing(err.start);
    if (!fn) continue;
    const re = /\b([A-Za-z_]\w*)\s*\(/g;
    const slice = text.slice(err.start, err.end);
    for (let m = re.exec(slice); m; m = re.exec(slice)) {
      const start = err.start + m.index;
      const name = m[1]!;
      if (calleeStarts.has(start) || NOT_A_CALL.has(name) || !isActive(lines.lineOf(start))) continue;
      pendingCalls.push({ fn, callee: name, start, end: start + m[0].length });
    }
  }

  const deadAt = (fn: RawFunction, index: number): boolean =>
    fn.ifs.some((i) => i.dead && ((index >= i.bodyStart && index < i.bodyEnd) || (index >= i.deadCondStart && index < i.deadCondEnd)));
  const slowAt = (fn: RawFunction, index: number): SlowBranch | undefined => {
    let best: { start: number; branch: SlowBranch } | undefined;
    for (const r of fn.slowRegions) if (index >= r.start && index < r.end && (!best || r.start < best.start)) best = r;
    return best?.branch;
  };
  // A cache is anything that outlives the call: a static local, a global or a thread-local.
  const isCacheVar = (fn: RawFunction, name: string): boolean => !fn.locals.has(name);
  const cachedInitAt = (fn: RawFunction, index: number): boolean =>
    fn.ifs.some(
      (i) =>
        index >= i.bodyStart &&
        index < i.bodyEnd &&
        fn.assignments.some((a) => a.index >= i.bodyStart && a.index < i.bodyEnd && i.condIdents.has(a.name) && isCacheVar(fn, a.name)),
    );

  for (const { fn, callee, start, end, args, whole } of pendingCalls) {
    const line = lines.lineOf(start);
    const def = macroAt(callee, line);
    let targets: string[];
    if (def) {
      targets = macroIsNoOp((n) => macroAt(n, line), callee) ? [] : [...macroCalls((n) => macroAt(n, line), callee)];
    } else {
      targets = [callee];
    }
    const firstArg = args?.namedChildren[0] ?? undefined;
    const firstStringArg = stringLiteralValue(firstArg);
    const isGetenv = targets.some((t) => t === 'getenv' || t === 'secure_getenv');
    const slow = slowAt(fn, start);
    const constArgs = whole && end - start < 2000 ? constantArguments(text.slice(start, end), valueAt(line)) : undefined;
    fn.fact.calls.push({
      callee,
      targets,
      viaMacro: def !== undefined,
      span: spanAt(start, end),
      dead: deadAt(fn, start),
      cachedInit: isGetenv && cachedInitAt(fn, start),
      ...(firstStringArg !== undefined ? { firstStringArg } : {}),
      ...(firstArg ? { firstArgText: firstArg.text } : {}),
      ...(slow ? { slow } : {}),
      ...(constArgs ? { constArgs } : {}),
    });
  }

  const scalarKind = (fn: RawFunction, name: string): IncrementTargetKind => {
    if (fn.locals.has(name)) return 'local';
    if (fn.staticLocals.has(name)) return 'static-local';
    return globals.get(name) ?? 'global';
  };

  /** What an increment's target is: a statistic (global-ish) or allocator state (through a pointer). */
  const classify = (fn: RawFunction, targetText: string): IncrementTargetKind => {
    const t = stripParens(targetText.trim());
    const m = /^([A-Za-z_]\w*)\s*(\.|->|\[)?/.exec(t);
    const base = m?.[1];
    if (!base) return 'state';
    if (!m[2]) return /^[A-Za-z_]\w*$/.test(t) ? scalarKind(fn, base) : 'state';
    const kind = scalarKind(fn, base);
    if (kind === 'local') return 'local';
    if (m[2] === '->') return 'state';
    if (m[2] === '.') return t.includes('->') ? 'state' : 'global-field';
    return STAT_NAME.test(base) ? 'global-stat-array' : 'state';
  };

  for (const { fn, target, start, end } of pendingIncrements) {
    const slow = slowAt(fn, start);
    fn.fact.increments.push({
      target,
      kind: classify(fn, target),
      span: spanAt(start, end),
      dead: deadAt(fn, start),
      ...(slow ? { slow } : {}),
    });
  }
  // Arithmetic atomics are counters when they update a global (atomic_fetch_add(&g_stats.x, 1)).
  for (const f of functions) {
    for (const call of f.fact.calls) {
      if (!ATOMIC_ARITH.test(call.callee) || !call.firstArgText) continue;
      const arg = call.firstArgText.trim();
      // Through a pointer (no &): the object is allocator state owned elsewhere.
      const kind = arg.startsWith('&') ? classify(f, arg.slice(1)) : f.locals.has(arg) ? 'local' : 'state';
      f.fact.increments.push({
        target: call.firstArgText,
        kind,
        span: call.span,
        dead: call.dead,
        ...(call.slow ? { slow: call.slow } : {}),
      });
    }
  }

  const facts = functions.map((f): FunctionFact => ({
    ...f.fact,
    registers: f.registers,
    earlyExits: f.earlyExits,
    decisionReads: [...f.decisionReads],
  }));
  return {
    path,
    build,
    functions: facts,
    coldMarks: [...prototypeColdMarks, ...facts.flatMap((f) => f.registers)],
    prototypeColdMarks,
    globals,
    inactiveRanges: preproc.inactiveRanges,
    envNames: environmentNames(text),
    ignores: ignoreComments(text, lines),
    preprocProblems: preproc.problems,
  };
}

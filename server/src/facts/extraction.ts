// The state of one file's fact extraction: what each query pattern's match adds
// (one method per pattern, called from the pattern table in extract.ts), then the
// passes that classify calls and increments once every function is known.
import type { Node as SyntaxNode, QueryMatch } from 'web-tree-sitter';
import { macroCalls, macroIsNoOp, type MacroDef, type MacroTable, type PreprocResult } from '../preproc';
import { branchHint, constantArguments, isErrorPath, MAY_HINT, readPaths } from './branches';
import { constantFalse, constantValue, withConstants, type RuntimeConstants } from './constant';
import {
  attributeReason,
  coldTargetsOf,
  expandedPrefix,
  functionName,
  matchingParen,
  shownCondition,
  sourceStart,
  stringLiteralValue,
  threadLocalNames,
  type MacroLookup,
} from './declarations';
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
const STAT_NAME = /stat|calls|hits|miss|total|counter|_cnt\b|^g_n_|count_(?:alloc|free)/i;
const ATOMIC_ARITH =
  /^(atomic_fetch_(add|sub|or|and|xor)(_explicit)?|__atomic_(fetch_add|fetch_sub|add_fetch|sub_fetch)|__sync_(fetch_and_add|fetch_and_sub|add_and_fetch|sub_and_fetch)|_InterlockedIncrement|InterlockedIncrement)$/;
/** Bodies longer than this are not error paths (those report and leave in a few lines). */
const ERROR_PATH_MAX = 2000;
const EARLY_RETURN = /^\{?\s*return\b[^;{}]*;\s*\}?$/;
/** A branch body that always leaves: it ends with a return. */
const LEAVES_BLOCK = /\breturn\b[^;{}]*;\s*\}?$/;

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

interface PendingCall {
  fn: RawFunction;
  callee: string;
  start: number;
  end: number;
  args?: SyntaxNode;
  /** A call_expression node's extent, so its argument text can be read. */
  whole?: boolean;
}

/** What a definition's body says about its macro (cold/constructor attributes, a branch hint). */
const ATTRIBUTE_ROLE = 1;
const HINT_ROLE = 2;
const rolesOfDef = new WeakMap<MacroDef, number>();

function rolesOf(def: MacroDef): number {
  let roles = rolesOfDef.get(def);
  if (roles === undefined) {
    roles =
      (/__attribute__[\s\S]*\b_{0,2}(cold|constructor|destructor)_{0,2}\b/.test(def.body) ? ATTRIBUTE_ROLE : 0) |
      (def.body.includes('__builtin_expect') ? HINT_ROLE : 0);
    rolesOfDef.set(def, roles);
  }
  return roles;
}

/**
 * Macros that carry cold/constructor attributes (a prototype is only examined when it uses one) and macros that
 * carry a branch hint under a name of their own (`#define EXPECT_FALSE(x) __builtin_expect(x, 0)`). Every file
 * sees its headers' macros: each definition is classified once (see rolesOf), not once per includer.
 */
function macroRoles(table: MacroTable): { attributeMacros: string[]; hintMacros: Set<string> } {
  const attributeMacros: string[] = [];
  const hintMacros = new Set<string>();
  for (const name of table.names()) {
    const def = table.get(name);
    const roles = def ? rolesOf(def) : 0;
    if (roles & ATTRIBUTE_ROLE) attributeMacros.push(name);
    if (roles & HINT_ROLE) hintMacros.add(name);
  }
  return { attributeMacros, hintMacros };
}

/** Capture `name` of a match (patterns name every capture they read). */
function captured(match: QueryMatch, name: string): SyntaxNode | undefined {
  return match.captures.find((c) => c.name === name)?.node;
}

export class FileExtraction {
  private readonly lines: LineIndex;
  /** Compared once: two long equal-length strings compare character by character. */
  private readonly rewritten: boolean;
  private readonly attributeMacros: readonly string[];
  private readonly hintMacros: ReadonlySet<string>;
  private readonly functions: RawFunction[] = [];
  /** Functions of the current chunk, in match order (sorted when the chunk's functions are all registered). */
  private added: RawFunction[] = [];
  private readonly prototypeColdMarks: ColdMark[] = [];
  private readonly globals: Map<string, 'global' | 'thread-local'>;
  private readonly calleeStarts = new Set<number>();
  private readonly pendingCalls: PendingCall[] = [];
  private readonly pendingIncrements: Array<{ fn: RawFunction; target: string; start: number; end: number }> = [];
  private readonly errors: Array<{ start: number; end: number }> = [];

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly preproc: PreprocResult,
    private readonly build: 'release' | 'debug',
    globals: ReadonlyMap<string, 'global' | 'thread-local'> | undefined,
    private readonly constants: RuntimeConstants | undefined,
    private readonly source: string,
  ) {
    this.lines = new LineIndex(text);
    this.rewritten = source !== text;
    const roles = macroRoles(preproc.finalMacros);
    this.attributeMacros = roles.attributeMacros;
    this.hintMacros = roles.hintMacros;
    this.globals = new Map(globals ?? []);
    // Thread-locals from the text, so a slice of the file classifies counters like the whole file does.
    for (const name of threadLocalNames(text)) this.globals.set(name, 'thread-local');
  }

  private readonly macroAt: MacroLookup = (name, line) => this.preproc.macroAt(name, line);

  private valueAt(line: number): (name: string) => MacroDef | undefined {
    return withConstants((n) => this.macroAt(n, line), this.constants);
  }

  private isActive(line: number): boolean {
    return this.preproc.active[line] !== 0;
  }

  private spanAt(startIndex: number, endIndex: number): Span {
    const lines = this.lines;
    const line = lines.lineOf(startIndex);
    const endLine = lines.lineOf(endIndex);
    return { line, column: lines.columnOf(startIndex, line), endLine, endColumn: lines.columnOf(endIndex, endLine) };
  }

  private mayCarryAttribute(declText: string): boolean {
    return declText.includes('__attribute__') || this.attributeMacros.some((m) => declText.includes(m));
  }

  private mayHint(cond: string): boolean {
    return MAY_HINT.test(cond) || (this.hintMacros.size > 0 && (cond.match(IDENT) ?? []).some((id) => this.hintMacros.has(id)));
  }

  private enclosing(index: number): RawFunction | undefined {
    const functions = this.functions;
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
  }

  /** `(function_definition) @fn`: a function, registered before the chunk's other matches look up their enclosing one. */
  functionDefinition(match: QueryMatch): void {
    const { text, source, lines, macroAt } = this;
    const node = match.captures[0]?.node;
    if (!node) return;
    const nameNode = functionName(node);
    const body = node.childForFieldName('body');
    if (!nameNode || !body) return;
    const declStart = this.rewritten ? sourceStart(text, source, node.startIndex) : node.startIndex;
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
    this.added.push({
      registers: [],
      start: node.startIndex,
      end: node.endIndex,
      bodyStart: body.startIndex,
      fact: {
        name: nameNode.text,
        range: { start: node.startIndex, bodyStart: body.startIndex, end: node.endIndex },
        registers: [],
        nameSpan: this.spanAt(nameNode.startIndex, nameNode.endIndex),
        span: this.spanAt(node.startIndex, node.endIndex),
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

  /** The chunk's functions are registered. Chunks come in file order: they all start after the earlier ones. */
  functionsRegistered(): void {
    this.functions.push(...this.added.sort((a, b) => a.start - b.start));
    this.added = [];
  }

  /** `name(…)`: a call, with its arguments for the few callees whose arguments matter. */
  call(match: QueryMatch): void {
    const call = captured(match, 'call')!;
    const callee = captured(match, 'callee')!;
    const line = this.lines.lineOf(callee.startIndex);
    if (!this.isActive(line)) return;
    this.calleeStarts.add(callee.startIndex);
    const name = callee.text;
    // Arguments cross the wasm boundary only for the few callees whose arguments matter.
    const args = ARGUMENT_READERS.test(name) ? (call.childForFieldName('arguments') ?? undefined) : undefined;
    const fn = this.enclosing(call.startIndex);
    if (fn)
      this.pendingCalls.push({ fn, callee: name, start: call.startIndex, end: call.endIndex, whole: true, ...(args ? { args } : {}) });
    if (args && fn) fn.registers.push(...coldTargetsOf(name, call));
  }

  /** `MACRO;` alone as a statement: a call when the name is a macro there. */
  macroStatement(match: QueryMatch): void {
    const first = match.captures[0]!.node;
    const line = this.lines.lineOf(first.startIndex);
    const fn = this.enclosing(first.startIndex);
    if (fn && this.isActive(line) && this.macroAt(first.text, line))
      this.pendingCalls.push({ fn, callee: first.text, start: first.startIndex, end: first.endIndex });
  }

  /** `x++`, `x += n`: an update of `target` (captured as `targetCapture`) by the expression `exprCapture`. */
  increment(match: QueryMatch, targetCapture: string, exprCapture: string): void {
    const target = captured(match, targetCapture)!;
    const expr = captured(match, exprCapture)!;
    const fn = this.enclosing(expr.startIndex);
    if (fn && this.isActive(this.lines.lineOf(expr.startIndex)))
      this.pendingIncrements.push({ fn, target: target.text, start: expr.startIndex, end: expr.endIndex });
  }

  /** `name = …`: an assignment (a cache filled under an `if` that tests it). */
  assignment(match: QueryMatch): void {
    const first = match.captures[0]!.node;
    const fn = this.enclosing(first.startIndex);
    if (fn) fn.assignments.push({ name: first.text, index: first.startIndex });
  }

  /** `if (cond) body else alternative`: dead code, hints, error paths, early exits, what the condition reads. */
  ifStatement(match: QueryMatch): void {
    const { text } = this;
    const cond = captured(match, 'ifcond')!;
    const body = captured(match, 'ifbody')!;
    const alternative = captured(match, 'ifelse');
    const fn = this.enclosing(cond.startIndex);
    if (!fn) return;
    // Copied out of the tree, not sliced from the text: facts keep pieces of it, which must not pin a huge file.
    const condText = cond.text;
    const line = this.lines.lineOf(cond.startIndex);
    const lookup = this.valueAt(line);
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
      const stmt = captured(match, 'ifstmt');
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
    const hint = this.mayHint(condText) ? branchHint(condText, lookup) : undefined;
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
      const stmt = captured(match, 'ifstmt');
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
      const stmt = captured(match, 'ifstmt');
      if (stmt && stmt.parent?.startIndex === fn.bodyStart) {
        const end = this.spanAt(stmt.startIndex, stmt.endIndex);
        fn.earlyExits.push({ condition: condText, endLine: end.endLine, endColumn: end.endColumn });
      }
    }
  }

  /** A declaration: globals and thread-locals, locals that shadow them, prototypes carrying cold attributes. */
  declaration(match: QueryMatch): void {
    const { text, source } = this;
    const first = match.captures[0]!.node;
    const fn = this.enclosing(first.startIndex);
    const declText = first.text;
    const declSource = this.rewritten ? source.slice(sourceStart(text, source, first.startIndex), first.endIndex) : declText;
    const isStatic = /^\s*(?:\w+\s+)*static\b/.test(declText);
    const isTls = /\b(_Thread_local|__thread|thread_local)\b/.test(declText);
    const inBody = fn !== undefined && first.startIndex >= fn.bodyStart;
    // `size_t c = g.committed;` copies a value to decide on it later: a read like a condition's.
    const init = inBody ? declText.indexOf('=') : -1;
    if (init >= 0 && declText.length < 2000) for (const path of readPaths(declText.slice(init + 1))) fn!.decisionReads.add(path);
    for (const d of declaredNames(declText)) {
      if (d.isFunction) {
        // A prototype may carry the cold/constructor attribute for a function defined elsewhere.
        const reason = this.mayCarryAttribute(declSource)
          ? attributeReason(declSource, this.lines.lineOf(first.startIndex), this.macroAt)
          : undefined;
        if (reason) this.prototypeColdMarks.push({ name: d.name, reason });
      } else if (inBody) {
        if (isStatic || isTls) fn.staticLocals.add(d.name);
        else fn.locals.add(d.name);
      } else if (!fn) {
        this.globals.set(d.name, isTls ? 'thread-local' : 'global');
      }
    }
  }

  /** An ERROR node: calls inside it are recovered from the text at the end. */
  error(match: QueryMatch): void {
    const first = match.captures[0]!.node;
    this.errors.push({ start: first.startIndex, end: first.endIndex });
  }

  /** A loop's, switch's or `?:`'s condition: what the function reads to decide. */
  decision(match: QueryMatch): void {
    const first = match.captures[0]!.node;
    const fn = this.enclosing(first.startIndex);
    if (fn) for (const path of readPaths(first.text)) fn.decisionReads.add(path);
  }

  /** Every match is in: recovers calls from ERROR nodes, classifies calls and increments, and returns the facts. */
  finish(): FileFacts {
    this.callsInErrors();
    for (const call of this.pendingCalls) this.addCall(call);
    for (const { fn, target, start, end } of this.pendingIncrements) {
      const slow = this.slowAt(fn, start);
      fn.fact.increments.push({
        target,
        kind: this.classify(fn, target),
        span: this.spanAt(start, end),
        dead: this.deadAt(fn, start),
        ...(slow ? { slow } : {}),
      });
    }
    this.atomicCounters();
    const facts = this.functions.map((f): FunctionFact => ({
      ...f.fact,
      registers: f.registers,
      earlyExits: f.earlyExits,
      decisionReads: [...f.decisionReads],
    }));
    const { text, preproc, prototypeColdMarks } = this;
    return {
      path: this.path,
      build: this.build,
      functions: facts,
      coldMarks: [...prototypeColdMarks, ...facts.flatMap((f) => f.registers)],
      prototypeColdMarks,
      globals: this.globals,
      inactiveRanges: preproc.inactiveRanges,
      envNames: environmentNames(text),
      ignores: ignoreComments(text, this.lines),
      preprocProblems: preproc.problems,
    };
  }

  /** Calls inside ERROR nodes that the grammar did not shape into call_expressions (outermost ERROR nodes only). */
  private callsInErrors(): void {
    const { errors, text } = this;
    errors.sort((a, b) => a.start - b.start || b.end - a.end);
    let coveredUntil = -1;
    for (const err of errors) {
      if (err.start < coveredUntil) continue;
      coveredUntil = err.end;
      const fn = this.enclosing(err.start);
      if (!fn) continue;
      const re = /\b([A-Za-z_]\w*)\s*\(/g;
      const slice = text.slice(err.start, err.end);
      for (let m = re.exec(slice); m; m = re.exec(slice)) {
        const start = err.start + m.index;
        const name = m[1]!;
        if (this.calleeStarts.has(start) || NOT_A_CALL.has(name) || !this.isActive(this.lines.lineOf(start))) continue;
        this.pendingCalls.push({ fn, callee: name, start, end: start + m[0].length });
      }
    }
  }

  private addCall({ fn, callee, start, end, args, whole }: PendingCall): void {
    const line = this.lines.lineOf(start);
    const def = this.macroAt(callee, line);
    let targets: string[];
    if (def) {
      targets = macroIsNoOp((n) => this.macroAt(n, line), callee) ? [] : [...macroCalls((n) => this.macroAt(n, line), callee)];
    } else {
      targets = [callee];
    }
    const firstArg = args?.namedChildren[0] ?? undefined;
    const firstStringArg = stringLiteralValue(firstArg);
    const isGetenv = targets.some((t) => t === 'getenv' || t === 'secure_getenv');
    const slow = this.slowAt(fn, start);
    const constArgs = whole && end - start < 2000 ? constantArguments(this.text.slice(start, end), this.valueAt(line)) : undefined;
    fn.fact.calls.push({
      callee,
      targets,
      viaMacro: def !== undefined,
      span: this.spanAt(start, end),
      dead: this.deadAt(fn, start),
      cachedInit: isGetenv && this.cachedInitAt(fn, start),
      ...(firstStringArg !== undefined ? { firstStringArg } : {}),
      ...(firstArg ? { firstArgText: firstArg.text } : {}),
      ...(slow ? { slow } : {}),
      ...(constArgs ? { constArgs } : {}),
    });
  }

  /** Arithmetic atomics are counters when they update a global (atomic_fetch_add(&g_stats.x, 1)). */
  private atomicCounters(): void {
    for (const f of this.functions) {
      for (const call of f.fact.calls) {
        if (!ATOMIC_ARITH.test(call.callee) || !call.firstArgText) continue;
        const arg = call.firstArgText.trim();
        // Through a pointer (no &): the object is allocator state owned elsewhere.
        const kind = arg.startsWith('&') ? this.classify(f, arg.slice(1)) : f.locals.has(arg) ? 'local' : 'state';
        f.fact.increments.push({
          target: call.firstArgText,
          kind,
          span: call.span,
          dead: call.dead,
          ...(call.slow ? { slow: call.slow } : {}),
        });
      }
    }
  }

  private deadAt(fn: RawFunction, index: number): boolean {
    return fn.ifs.some(
      (i) => i.dead && ((index >= i.bodyStart && index < i.bodyEnd) || (index >= i.deadCondStart && index < i.deadCondEnd)),
    );
  }

  private slowAt(fn: RawFunction, index: number): SlowBranch | undefined {
    let best: { start: number; branch: SlowBranch } | undefined;
    for (const r of fn.slowRegions) if (index >= r.start && index < r.end && (!best || r.start < best.start)) best = r;
    return best?.branch;
  }

  /** Inside an `if` that tests a cache (anything that outlives the call: a static local, a global, a thread-local) and fills it. */
  private cachedInitAt(fn: RawFunction, index: number): boolean {
    const isCacheVar = (name: string): boolean => !fn.locals.has(name);
    return fn.ifs.some(
      (i) =>
        index >= i.bodyStart &&
        index < i.bodyEnd &&
        fn.assignments.some((a) => a.index >= i.bodyStart && a.index < i.bodyEnd && i.condIdents.has(a.name) && isCacheVar(a.name)),
    );
  }

  private scalarKind(fn: RawFunction, name: string): IncrementTargetKind {
    if (fn.locals.has(name)) return 'local';
    if (fn.staticLocals.has(name)) return 'static-local';
    return this.globals.get(name) ?? 'global';
  }

  /** What an increment's target is: a statistic (global-ish) or allocator state (through a pointer). */
  private classify(fn: RawFunction, targetText: string): IncrementTargetKind {
    const t = stripParens(targetText.trim());
    const m = /^([A-Za-z_]\w*)\s*(\.|->|\[)?/.exec(t);
    const base = m?.[1];
    if (!base) return 'state';
    if (!m[2]) return /^[A-Za-z_]\w*$/.test(t) ? this.scalarKind(fn, base) : 'state';
    const kind = this.scalarKind(fn, base);
    if (kind === 'local') return 'local';
    if (m[2] === '->') return 'state';
    if (m[2] === '.') return t.includes('->') ? 'state' : 'global-field';
    return STAT_NAME.test(base) ? 'global-stat-array' : 'state';
  }
}

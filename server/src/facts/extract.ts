import type { Node as SyntaxNode, Query, Tree } from 'web-tree-sitter';
import { evaluateCondition, macroCalls, macroIsNoOp, type MacroDef, type PreprocResult } from '../preproc';
import type { CallFact, ColdReason, FileFacts, FunctionFact, IncrementFact, IncrementTargetKind, Span } from './types';

/**
 * One query for everything the rules need, so a file is walked once inside
 * the wasm (far cheaper than walking nodes from JavaScript).
 */
export const FACTS_QUERY = `
(function_definition) @fn
(call_expression function: (identifier) @callee) @call
(expression_statement (identifier) @stmtident)
(update_expression argument: (_) @inc)
(assignment_expression left: (_) @compound operator: ["+=" "-="])
(assignment_expression left: (identifier) @assigned)
(if_statement condition: (_) @ifcond consequence: (_) @ifbody)
(declaration) @decl
(parameter_declaration) @param
(ERROR) @error
(comment) @comment
`;

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

const STAT_NAME = /stat|calls|hits|miss|total|counter|_cnt\b|^g_n_|count_(?:alloc|free)/i;
const ATOMIC_ARITH = /^(atomic_fetch_(add|sub|or|and|xor)(_explicit)?|__atomic_(fetch_add|fetch_sub|add_fetch|sub_fetch)|__sync_(fetch_and_add|fetch_and_sub|add_and_fetch|sub_and_fetch)|_InterlockedIncrement|InterlockedIncrement)$/;

interface RawFunction {
  readonly node: SyntaxNode;
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly fact: MutableFunction;
  /** Automatic locals and parameters (shadow globals); static locals are listed apart. */
  readonly locals: Set<string>;
  readonly staticLocals: Set<string>;
  readonly ifs: IfInfo[];
  readonly assignments: Array<{ name: string; index: number }>;
}

interface MutableFunction extends Omit<FunctionFact, 'calls' | 'increments'> {
  calls: CallFact[];
  increments: IncrementFact[];
}

interface IfInfo {
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly dead: boolean;
  readonly condIdents: ReadonlySet<string>;
}

function spanOf(node: SyntaxNode): Span {
  const s = node.startPosition;
  const e = node.endPosition;
  return { line: s.row, column: s.column, endLine: e.row, endColumn: e.column };
}

/** The identifier a declarator declares (through pointers, arrays, initialisers, parentheses). */
function declaredName(declarator: SyntaxNode | null): SyntaxNode | null {
  let node = declarator;
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'identifier' || node.type === 'field_identifier') return node;
    if (node.type === 'function_declarator') return declaredName(node.childForFieldName('declarator'));
    node = node.childForFieldName('declarator') ?? node.namedChildren.find((c) => c?.type.endsWith('declarator') || c?.type === 'identifier') ?? null;
  }
  return null;
}

function functionDeclarator(declarator: SyntaxNode | null): SyntaxNode | null {
  let node = declarator;
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'function_declarator') return node;
    node = node.childForFieldName('declarator');
  }
  return null;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Expands the attribute-ish identifiers of a signature prefix through macros, to see `cold`, `constructor`. */
function attributeReason(prefix: string, line: number, macroAt: (name: string, line: number) => MacroDef | undefined): ColdReason | undefined {
  let text = prefix;
  for (const m of prefix.matchAll(IDENT)) {
    const def = macroAt(m[0], line);
    if (def && !def.params) text += ' ' + def.body;
  }
  const attrs = [...text.matchAll(/__attribute__\s*\(\((.*?)\)\)/gs)].map((m) => m[1] ?? '').join(',');
  if (/\b_{0,2}cold_{0,2}\b/.test(attrs)) return 'attribute cold';
  if (/\b_{0,2}constructor_{0,2}\b/.test(attrs)) return 'constructor';
  if (/\b_{0,2}destructor_{0,2}\b/.test(attrs)) return 'destructor';
  return undefined;
}

/** `hakmem:hot` / `hakmem:cold` in the comment lines right above a function. */
function annotationAbove(lines: readonly string[], startLine: number): 'hot' | 'cold' | undefined {
  for (let l = startLine - 1, seen = 0; l >= 0 && seen < 4; l--, seen++) {
    const text = lines[l]!.trim();
    if (text === '') continue;
    if (!(text.startsWith('//') || text.startsWith('/*') || text.startsWith('*') || text.endsWith('*/'))) return undefined;
    const m = /hakmem:(hot|cold)\b/.exec(text);
    if (m) return m[1] as 'hot' | 'cold';
  }
  return undefined;
}

/** Splits a condition at top-level `&&` (outside parentheses). */
function conjuncts(cond: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < cond.length; i++) {
    const c = cond[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '&' && cond[i + 1] === '&' && depth === 0) {
      parts.push(cond.slice(last, i));
      last = i + 2;
      i++;
    }
  }
  parts.push(cond.slice(last));
  return parts;
}

function stripParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')')) {
    let depth = 0;
    let wraps = true;
    for (let i = 0; i < t.length - 1; i++) {
      if (t[i] === '(') depth++;
      else if (t[i] === ')') depth--;
      if (depth === 0) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    t = t.slice(1, -1).trim();
  }
  return t;
}

/**
 * True when a C condition is constant false in this build: one of its `&&`
 * operands is a constant expression (numbers and macros only) equal to 0.
 */
function conditionIsConstantFalse(cond: string, line: number, macroAt: (name: string, line: number) => MacroDef | undefined): boolean {
  for (const part of conjuncts(stripParens(cond))) {
    const operand = stripParens(part);
    const idents = operand.match(IDENT) ?? [];
    // Only decide on expressions whose every identifier is a macro: C variables are unknown here.
    if (!idents.every((id) => macroAt(id, line) !== undefined || id === 'false')) continue;
    const r = evaluateCondition(operand.replace(/\bfalse\b/g, '0'), (n) => macroAt(n, line));
    if ('value' in r && r.value === 0n) return true;
  }
  return false;
}

function stringLiteralValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || node.type !== 'string_literal') return undefined;
  const raw = node.text;
  return raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : undefined;
}

/** Parses `hakmem-lint: ignore code1 code2` comments. */
function ignoreCodes(comment: string): Set<string> | undefined {
  const m = /hakmem-lint:\s*ignore((?:[\s,]+[a-z][a-z0-9-]*)*)/.exec(comment);
  if (!m) return undefined;
  return new Set((m[1] ?? '').split(/[\s,]+/).filter(Boolean));
}

/**
 * Extracts the facts of one parsed file for one build. `preproc` is the same
 * file evaluated with that build's defines; calls on inactive lines are dropped.
 */
export function extractFacts(
  path: string,
  text: string,
  tree: Tree,
  query: Query,
  preproc: PreprocResult,
  build: 'release' | 'debug',
): FileFacts {
  const lines = text.split('\n');
  const macroAt = (name: string, line: number): MacroDef | undefined => preproc.macroAt(name, line);
  const isActive = (line: number): boolean => preproc.active[line] !== 0;

  const captures = query.captures(tree.rootNode);
  const functions: RawFunction[] = [];
  for (const c of captures) {
    if (c.name !== 'fn') continue;
    const node = c.node;
    const declarator = node.childForFieldName('declarator');
    const fnDecl = functionDeclarator(declarator);
    const nameNode = declaredName(fnDecl?.childForFieldName('declarator') ?? null);
    const body = node.childForFieldName('body');
    if (!nameNode || !body) continue;
    const startLine = node.startPosition.row;
    const prefix = text.slice(node.startIndex, nameNode.startIndex);
    const annotation = annotationAbove(lines, startLine);
    const attr = attributeReason(prefix, startLine, macroAt);
    const cold: ColdReason | undefined = annotation === 'cold' ? 'hakmem:cold annotation' : attr;
    functions.push({
      node,
      start: node.startIndex,
      end: node.endIndex,
      bodyStart: body.startIndex,
      fact: {
        name: nameNode.text,
        nameSpan: spanOf(nameNode),
        span: spanOf(node),
        isStatic: /\bstatic\b/.test(prefix),
        ...(cold ? { cold } : {}),
        hotAnnotation: annotation === 'hot',
        calls: [],
        increments: [],
      },
      locals: new Set(),
      staticLocals: new Set(),
      ifs: [],
      assignments: [],
    });
  }
  functions.sort((a, b) => a.start - b.start);

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

  const coldMarks: Array<{ name: string; reason: ColdReason }> = [];
  const ignores = new Map<number, Set<string>>();
  const envNames = new Set<string>();
  const globals = new Map<string, 'global' | 'thread-local'>();
  const pendingCalls: Array<{ fn: RawFunction; node: SyntaxNode; callee: string; call: SyntaxNode }> = [];
  const pendingIncrements: Array<{ fn: RawFunction; target: SyntaxNode; node: SyntaxNode }> = [];
  const errorNodes: SyntaxNode[] = [];

  // Pass 1: declarations, parameters, ifs, assignments, comments (context for pass 2).
  for (const c of captures) {
    const node = c.node;
    switch (c.name) {
      case 'decl': {
        const fn = enclosing(node.startIndex);
        const declText = text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 400));
        const isStatic = /^\s*(?:\w+\s+)*static\b/.test(declText);
        const isTls = /\b(_Thread_local|__thread|thread_local)\b/.test(declText);
        for (const d of node.childrenForFieldName('declarator')) {
          const fnDecl = functionDeclarator(d);
          if (fnDecl) {
            // A prototype may carry the cold/constructor attribute for a function defined elsewhere.
            const name = declaredName(fnDecl.childForFieldName('declarator'));
            const reason = name ? attributeReason(declText, node.startPosition.row, macroAt) : undefined;
            if (name && reason) coldMarks.push({ name: name.text, reason });
            continue;
          }
          const name = declaredName(d)?.text;
          if (!name) continue;
          if (fn && node.startIndex >= fn.bodyStart) {
            if (isStatic || isTls) fn.staticLocals.add(name);
            else fn.locals.add(name);
          } else if (!fn) {
            globals.set(name, isTls ? 'thread-local' : 'global');
          }
        }
        // `_Thread_local` confuses the grammar (ERROR node): take the last identifier before ';'/'='.
        if (!fn && isTls && node.childrenForFieldName('declarator').length === 0) {
          const m = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*(?:=|;|$)/.exec(declText);
          if (m?.[1]) globals.set(m[1], 'thread-local');
        }
        break;
      }
      case 'param': {
        const fn = enclosing(node.startIndex);
        const name = declaredName(node.childForFieldName('declarator'))?.text;
        if (fn && name) fn.locals.add(name);
        break;
      }
      case 'ifcond': {
        const fn = enclosing(node.startIndex);
        const body = node.nextNamedSibling;
        if (!fn || !body) break;
        const cond = node.text;
        fn.ifs.push({
          bodyStart: body.startIndex,
          bodyEnd: body.endIndex,
          dead: conditionIsConstantFalse(cond, node.startPosition.row, macroAt),
          condIdents: new Set(cond.match(IDENT) ?? []),
        });
        break;
      }
      case 'assigned': {
        const fn = enclosing(node.startIndex);
        if (fn) fn.assignments.push({ name: node.text, index: node.startIndex });
        break;
      }
      case 'comment': {
        const codes = ignoreCodes(node.text);
        if (codes) {
          const line = node.startPosition.row;
          // A comment alone on its line silences the next line; a trailing comment its own line.
          const alone = lines[line]!.slice(0, node.startPosition.column).trim() === '';
          ignores.set(alone ? node.endPosition.row + 1 : line, codes);
        }
        break;
      }
      case 'error':
        errorNodes.push(node);
        break;
      case 'callee': {
        const fn = enclosing(node.startIndex);
        const call = node.parent;
        if (fn && call && isActive(node.startPosition.row)) pendingCalls.push({ fn, node, callee: node.text, call });
        if (call && isActive(node.startPosition.row)) coldMarks.push(...coldTargetsOf(node.text, call));
        break;
      }
      case 'stmtident': {
        const fn = enclosing(node.startIndex);
        if (fn && isActive(node.startPosition.row) && macroAt(node.text, node.startPosition.row)) {
          pendingCalls.push({ fn, node, callee: node.text, call: node });
        }
        break;
      }
      case 'inc':
      case 'compound': {
        const fn = enclosing(node.startIndex);
        const parent = node.parent;
        if (fn && parent && isActive(node.startPosition.row)) pendingIncrements.push({ fn, target: node, node: parent });
        break;
      }
    }
  }

  // Calls inside ERROR nodes that the grammar did not shape into call_expressions.
  for (const err of errorNodes) {
    const fn = enclosing(err.startIndex);
    if (!fn || err.descendantsOfType('call_expression').length > 0) continue;
    for (const id of err.descendantsOfType('identifier')) {
      if (!id) continue;
      const after = text.slice(id.endIndex, id.endIndex + 40);
      if (/^\s*\(/.test(after) && isActive(id.startPosition.row)) pendingCalls.push({ fn, node: id, callee: id.text, call: id });
    }
  }

  const deadAt = (fn: RawFunction, index: number): boolean => fn.ifs.some((i) => i.dead && index >= i.bodyStart && index < i.bodyEnd);
  // A cache is anything that outlives the call: a static local, a global or a thread-local.
  const isCacheVar = (fn: RawFunction, name: string): boolean => !fn.locals.has(name);
  const cachedInitAt = (fn: RawFunction, index: number): boolean =>
    fn.ifs.some(
      (i) =>
        index >= i.bodyStart &&
        index < i.bodyEnd &&
        fn.assignments.some((a) => a.index >= i.bodyStart && a.index < i.bodyEnd && i.condIdents.has(a.name) && isCacheVar(fn, a.name)),
    );

  for (const { fn, node, callee, call } of pendingCalls) {
    const line = node.startPosition.row;
    const def = macroAt(callee, line);
    let targets: string[];
    if (def) {
      targets = macroIsNoOp((n) => macroAt(n, line), callee) ? [] : [...macroCalls((n) => macroAt(n, line), callee)];
    } else {
      targets = [callee];
    }
    const args = call.type === 'call_expression' ? call.childForFieldName('arguments') : null;
    const first = args?.namedChildren[0] ?? undefined;
    const firstStringArg = stringLiteralValue(first);
    if (firstStringArg && /^(secure_)?getenv$/.test(callee)) envNames.add(firstStringArg);
    fn.fact.calls.push({
      callee,
      targets,
      viaMacro: def !== undefined,
      span: spanOf(call),
      dead: deadAt(fn, node.startIndex),
      cachedInit: cachedInitAt(fn, node.startIndex),
      ...(firstStringArg !== undefined ? { firstStringArg } : {}),
      ...(first ? { firstArgText: first.text } : {}),
    });
  }

  const classify = (fn: RawFunction, target: SyntaxNode): IncrementTargetKind => {
    const scalarKind = (name: string): IncrementTargetKind => {
      if (fn.locals.has(name)) return 'local';
      if (fn.staticLocals.has(name)) return 'static-local';
      return globals.get(name) ?? 'global';
    };
    let node: SyntaxNode = target;
    if (node.type === 'pointer_expression' && node.text.startsWith('&')) node = node.namedChildren[0] ?? node;
    while (node.type === 'parenthesized_expression' && node.namedChildren[0]) node = node.namedChildren[0];
    if (node.type === 'identifier') return scalarKind(node.text);
    if (node.type === 'field_expression') {
      const base = node.childForFieldName('argument');
      const arrow = node.text.includes('->');
      if (!arrow && base?.type === 'identifier') {
        const kind = scalarKind(base.text);
        return kind === 'local' ? 'local' : 'global-field';
      }
      return 'state';
    }
    if (node.type === 'subscript_expression') {
      const base = node.childForFieldName('argument');
      if (base?.type === 'identifier') {
        const kind = scalarKind(base.text);
        if (kind !== 'local' && STAT_NAME.test(base.text)) return 'global-stat-array';
        return kind === 'local' ? 'local' : 'state';
      }
      return 'state';
    }
    return 'state';
  };

  const atomicTargetKind = (fn: RawFunction, arg: string): IncrementTargetKind => {
    const m = /^\s*(&)?\s*\(?\s*([A-Za-z_]\w*)\s*(\.|->|\[)?/.exec(arg);
    const base = m?.[2];
    if (!base || fn.locals.has(base)) return 'local';
    if (!m[1] || m[3] === '->') return 'state'; // through a pointer: the object is allocator state
    if (m[3] === '[') return STAT_NAME.test(base) ? 'global-stat-array' : 'state';
    if (m[3] === '.') return 'global-field';
    return fn.staticLocals.has(base) ? 'static-local' : (globals.get(base) ?? 'global');
  };

  for (const { fn, target, node } of pendingIncrements) {
    fn.fact.increments.push({ target: target.text, kind: classify(fn, target), span: spanOf(node), dead: deadAt(fn, node.startIndex) });
  }
  // Arithmetic atomics are counters when they update a global (atomic_fetch_add(&g_stats.x, 1)).
  for (const f of functions) {
    for (const call of f.fact.calls) {
      if (!ATOMIC_ARITH.test(call.callee) || !call.firstArgText) continue;
      f.fact.increments.push({ target: call.firstArgText, kind: atomicTargetKind(f, call.firstArgText), span: call.span, dead: call.dead });
    }
  }

  return {
    path,
    build,
    functions: functions.map((f) => f.fact),
    coldMarks,
    inactiveRanges: preproc.inactiveRanges,
    envNames: [...envNames].sort(),
    ignores,
    preprocProblems: preproc.problems,
  };
}

import { evaluateCondition, evaluatePreprocessor, type MacroDef, type PreprocOptions, type PreprocResult } from '../preproc';
import { expand, newContext } from '../preproc/expand';
import { tokenize, type Tok } from '../preproc/lexer';
import { splitTopLevel, stripParens } from './text';

/** File-scope `static const` scalars with a constant initializer in this build (jemalloc's config_debug). */
export type RuntimeConstants = ReadonlyMap<string, bigint>;

type Lookup = (name: string) => MacroDef | undefined;

/** Punctuators that make an expression something other than an integer constant expression. */
const NOT_CONSTANT = new Set([
  '=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<=',
  '>>=',
  '++',
  '--',
  '.',
  '->',
  '[',
  ']',
  '{',
  '}',
  ';',
]);

const KNOWN_CONSTANT_WORDS = new Set(['true', 'false', 'NULL', '__builtin_expect']);

/** Index of the `)` closing the `(` at `open`, or -1. */
function closing(toks: readonly Tok[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    if (toks[i]!.t === '(') depth++;
    else if (toks[i]!.t === ')' && --depth === 0) return i;
  }
  return -1;
}

/** `__builtin_expect(e, c)` has the value of `e`: keep `(e)`. */
function unwrapExpect(toks: readonly Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k === 'id' && t.t === '__builtin_expect' && toks[i + 1]?.t === '(') {
      const end = closing(toks, i + 1);
      if (end < 0) return [...toks];
      let depth = 0;
      let comma = end;
      for (let j = i + 2; j < end; j++) {
        const s = toks[j]!.t;
        if (s === '(') depth++;
        else if (s === ')') depth--;
        else if (s === ',' && depth === 0) {
          comma = j;
          break;
        }
      }
      out.push({ k: 'punct', t: '(' }, ...unwrapExpect(toks.slice(i + 2, comma)), { k: 'punct', t: ')' });
      i = end;
      continue;
    }
    out.push(t);
  }
  return out;
}

/**
 * The value of a C expression when, after macro expansion, it is an integer
 * constant expression (numbers, `true`/`false`, NULL and operators); undefined
 * when anything else remains (a variable, a call, a cast), since only the
 * compiler's constants may decide a branch.
 */
export function constantValue(expr: string, lookup: Lookup): bigint | undefined {
  if (expr.length > 4096) return undefined;
  // A name that is no macro stays a name after expansion: not a constant (and no need to expand).
  for (const m of expr.matchAll(/[A-Za-z_]\w*/g)) if (!KNOWN_CONSTANT_WORDS.has(m[0]) && !lookup(m[0])) return undefined;
  let toks: Tok[];
  try {
    toks = unwrapExpect(expand(tokenize(expr), newContext(lookup)));
  } catch {
    return undefined;
  }
  const out: Tok[] = [];
  for (const t of toks) {
    if (t.k === 'id') {
      if (t.t === 'true') out.push({ k: 'num', t: '1', sp: true });
      else if (t.t === 'false' || t.t === 'NULL') out.push({ k: 'num', t: '0', sp: true });
      else return undefined;
    } else if (t.k === 'str' || t.k === 'other' || NOT_CONSTANT.has(t.t)) {
      return undefined;
    } else {
      out.push(t);
    }
  }
  if (out.length === 0) return undefined;
  const r = evaluateCondition(out.map((t) => t.t).join(' '), () => undefined);
  return 'value' in r ? r.value : undefined;
}

/** Macro lookup that also knows runtime constants, as object-like macros with their value. */
export function withConstants(lookup: Lookup, constants: RuntimeConstants | undefined): Lookup {
  if (!constants || constants.size === 0) return lookup;
  return (name) => {
    const def = lookup(name);
    if (def) return def;
    const value = constants.get(name);
    return value === undefined ? undefined : { name, body: value.toString(), line: -1 };
  };
}

export interface DeadCondition {
  /** Offset in the condition text from which nothing runs (after a constant-false `&&` operand), if any. */
  readonly deadFrom?: number;
}

/**
 * Whether an `if` condition is constant false in this build: the whole
 * condition, or one of its top-level `&&` operands, is a constant 0. Operands
 * after a constant-false one are never evaluated (`0 && getenv("X")`).
 */
export function constantFalse(cond: string, lookup: Lookup): DeadCondition | undefined {
  const inner = stripParens(cond);
  const offset = cond.indexOf(inner);
  let at = 0;
  for (const part of splitTopLevel(inner, '&&')) {
    if (constantValue(part, lookup) === 0n) return { deadFrom: offset + at + part.length };
    at += part.length + 2;
  }
  return constantValue(inner, lookup) === 0n ? {} : undefined;
}

const CONST_DECLARATION =
  /\bstatic\s+const\s+(?:bool|_Bool|int|unsigned(?:\s+int)?|long|unsigned\s+long|size_t|u?int(?:8|16|32|64)_t)\s+([A-Za-z_]\w*)\s*=([^;{}]*);/g;
/** A cheap test before a header is evaluated for its constants. */
const MAY_DECLARE_CONSTANT = /\bstatic\s+const\s+(?:bool|_Bool|int|unsigned|long|size_t|u?int\d+_t)\s/;

/**
 * `static const bool config_debug = false;` and the same with the initializer
 * chosen by `#ifdef`: the value in this build, read from the active lines only.
 */
export function runtimeConstants(text: string, preproc: PreprocResult): Map<string, bigint> {
  const out = new Map<string, bigint>();
  if (!MAY_DECLARE_CONSTANT.test(text)) return out;
  // Matches come in text order: lines are counted from the previous match on.
  let counted = 0;
  let line = 0;
  const lineAt = (index: number): number => {
    line += countNewlines(text, counted, index);
    counted = index;
    return line;
  };
  for (const m of text.matchAll(CONST_DECLARATION)) {
    const startLine = lineAt(m.index);
    const initStart = m.index + m[0].indexOf('=', m[0].indexOf(m[1]!)) + 1;
    const initLine = lineAt(initStart);
    if (preproc.active[startLine] === 0) continue;
    const lines = m[2]!.split('\n');
    const kept = lines.filter((l, i) => preproc.active[initLine + i] !== 0 && !/^\s*#/.test(l)).join(' ');
    const value = constantValue(kept, (n) => preproc.macroAt(n, initLine + lines.length - 1));
    if (value !== undefined) out.set(m[1]!, value);
  }
  return out;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Runtime constants of included headers, evaluated once per header text in a build. */
export class HeaderConstants {
  private readonly cache = new Map<string, { text: string; constants: Map<string, bigint> }>();

  constructor(private readonly options: (path: string) => PreprocOptions) {}

  of(path: string, text: string): ReadonlyMap<string, bigint> {
    const cached = this.cache.get(path);
    if (cached && cached.text === text) return cached.constants;
    const constants = MAY_DECLARE_CONSTANT.test(text)
      ? runtimeConstants(text, evaluatePreprocessor(text, this.options(path)))
      : new Map<string, bigint>();
    this.cache.set(path, { text, constants });
    return constants;
  }
}

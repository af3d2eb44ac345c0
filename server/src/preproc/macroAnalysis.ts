import { bodyTokens, expand, ExpandError, newContext, type MacroLookup } from './expand';
import type { Tok } from './lexer';

/** Words that take parentheses but are not function calls. */
const NOT_CALLS = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'do',
  'else',
  'case',
  'sizeof',
  '_Alignof',
  'alignof',
  '__alignof__',
  '__alignof',
  'typeof',
  '__typeof__',
  '__typeof',
  'typeof_unqual',
  '_Generic',
  '__attribute__',
  '__attribute',
  '__asm__',
  '__asm',
  'asm',
  '__volatile__',
  'volatile',
  '_Static_assert',
  'static_assert',
  '__extension__',
  '_Atomic',
  'defined',
  '__declspec',
  'void',
  'char',
  'short',
  'int',
  'long',
  'unsigned',
  'signed',
  'float',
  'double',
  'const',
]);

/**
 * The expansion of an invocation of `name`, with each parameter standing as
 * an opaque token (arguments are unknown). Undefined when `name` is no macro.
 */
function expansionOf(lookup: MacroLookup, name: string): Tok[] | undefined {
  const def = lookup(name);
  if (!def) return undefined;
  const invocation: Tok[] = [{ k: 'id', t: name }];
  if (def.params) {
    invocation.push({ k: 'punct', t: '(' });
    def.params.forEach((p, i) => {
      if (i > 0) invocation.push({ k: 'punct', t: ',' });
      invocation.push({ k: 'id', t: p, opaque: true });
    });
    invocation.push({ k: 'punct', t: ')' });
  }
  try {
    return expand(invocation, newContext(lookup));
  } catch (e) {
    // A body that cannot be expanded (bad invocation inside it) is still worth reading as written.
    if (e instanceof ExpandError) return bodyTokens(def).map((t) => (t.pi !== undefined ? { k: 'id', t: t.t, opaque: true } : t));
    throw e;
  }
}

/**
 * Function names the macro `name` calls in its full, recursive expansion: an
 * identifier followed by '(' after expansion (LOG -> HAK_LOG_IMPL -> fprintf).
 * Statements under `if (0)` are dead and skipped. For an object-like macro a
 * trailing identifier counts too, since the macro is then used in call position
 * (`#define LOGF fprintf` used as `LOGF(stderr, …)`). Cycles are cut.
 */
export function macroCalls(lookup: MacroLookup, name: string): Set<string> {
  const calls = new Set<string>();
  collectCalls(lookup, name, calls, new Set());
  return calls;
}

function collectCalls(lookup: MacroLookup, name: string, calls: Set<string>, seen: Set<string>): void {
  if (seen.has(name)) return;
  seen.add(name);
  const toks = expansionOf(lookup, name);
  if (!toks) return;
  const callee = (id: Tok): void => {
    const def = lookup(id.t);
    // A function-like macro left unexpanded (no '(' in the expansion itself) still expands at the use site.
    if (def && !id.hs?.has(id.t)) collectCalls(lookup, id.t, calls, seen);
    else calls.add(id.t);
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k !== 'id' || t.opaque) continue;
    if (t.t === 'if') {
      const skip = deadIfEnd(toks, i);
      if (skip > i) {
        i = skip;
        continue;
      }
    }
    if (toks[i + 1]?.t === '(' && !NOT_CALLS.has(t.t)) callee(t);
  }
  const def = lookup(name);
  const last = toks[toks.length - 1];
  if (def && !def.params && last?.k === 'id' && !last.opaque && !NOT_CALLS.has(last.t)) callee(last);
}

/** For `if ( 0 ) statement` at i: the index of the statement's last token; otherwise i. */
function deadIfEnd(toks: readonly Tok[], i: number): number {
  if (toks[i + 1]?.t !== '(') return i;
  const close = matching(toks, i + 1, '(', ')');
  if (close < 0) return i;
  if (!isZero(toks.slice(i + 2, close))) return i;
  return statementEnd(toks, close + 1);
}

/** A condition that is the constant 0, possibly parenthesized. */
function isZero(cond: readonly Tok[]): boolean {
  const inner = cond.filter((t) => t.t !== '(' && t.t !== ')');
  return inner.length === 1 && inner[0]!.k === 'num' && /^0+[uUlL]*$/.test(inner[0]!.t);
}

/** Index of the last token of the statement starting at i (a block or up to ';'). */
function statementEnd(toks: readonly Tok[], i: number): number {
  if (toks[i]?.t === '{') {
    const close = matching(toks, i, '{', '}');
    return close < 0 ? toks.length - 1 : close;
  }
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const t = toks[j]!.t;
    if (t === '(' || t === '{' || t === '[') depth++;
    else if (t === ')' || t === '}' || t === ']') depth--;
    else if (t === ';' && depth <= 0) return j;
    if (depth < 0) return j - 1;
  }
  return toks.length - 1;
}

function matching(toks: readonly Tok[], open: number, o: string, c: string): number {
  let depth = 0;
  for (let j = open; j < toks.length; j++) {
    if (toks[j]!.t === o) depth++;
    else if (toks[j]!.t === c && --depth === 0) return j;
  }
  return -1;
}

/**
 * True when the macro expands to nothing or to a statement/expression without
 * effect: `((void)0)`, `(void)(x)`, `(void)sizeof(x)`, `do {} while (0)`,
 * `do { if (0) fprintf(…); } while (0)`, `{}` or a bare constant.
 */
export function macroIsNoOp(lookup: MacroLookup, name: string): boolean {
  const toks = expansionOf(lookup, name);
  if (!toks) return false;
  return isNoOpStatement(stripTrailingSemicolons(toks));
}

function stripTrailingSemicolons(toks: Tok[]): Tok[] {
  let end = toks.length;
  while (end > 0 && toks[end - 1]!.t === ';') end--;
  return toks.slice(0, end);
}

function isNoOpStatement(toks: readonly Tok[]): boolean {
  if (toks.length === 0) return true;
  const first = toks[0]!.t;
  if (first === 'do') {
    // do <statement> while ( 0 )
    const end = statementEnd(toks, 1);
    const rest = toks.slice(end + 1);
    if (rest[0]?.t !== 'while' || rest[1]?.t !== '(' || matching(rest, 1, '(', ')') !== rest.length - 1) return false;
    if (!isZero(rest.slice(2, -1))) return false;
    return isNoOpBlockOrStatement(toks.slice(1, end + 1));
  }
  if (first === '{') return isNoOpBlockOrStatement(toks);
  return isNoOpExpression(toks);
}

function isNoOpBlockOrStatement(toks: readonly Tok[]): boolean {
  if (toks[0]?.t !== '{') return isNoOpStatement(stripTrailingSemicolons([...toks]));
  const close = matching(toks, 0, '{', '}');
  if (close !== toks.length - 1) return false;
  const inner = toks.slice(1, close);
  for (let i = 0; i < inner.length;) {
    if (inner[i]!.t === ';') {
      i++;
      continue;
    }
    if (inner[i]!.t === 'if') {
      const dead = deadIfEnd(inner, i);
      if (dead > i) {
        i = dead + 1;
        continue;
      }
      return false;
    }
    const end = statementEnd(inner, i);
    const stmt = inner.slice(i, end + 1);
    if (!isNoOpStatement(stripTrailingSemicolons(stmt))) return false;
    i = end + 1;
  }
  return true;
}

function isNoOpExpression(toks: readonly Tok[]): boolean {
  let t = toks;
  while (t.length >= 2 && t[0]!.t === '(' && matching(t, 0, '(', ')') === t.length - 1) t = t.slice(1, -1);
  if (t.length === 0) return true;
  if (t.length === 1) return t[0]!.k === 'num';
  if (t[0]!.t === '(' && t[1]!.t === 'void' && t[2]?.t === ')') return !hasSideEffects(t.slice(3));
  return false;
}

const ASSIGNMENTS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '++', '--']);

function hasSideEffects(toks: readonly Tok[]): boolean {
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k === 'punct' && ASSIGNMENTS.has(t.t)) return true;
    if (t.k === 'id' && !t.opaque && toks[i + 1]?.t === '(' && !NOT_CALLS.has(t.t)) return true;
  }
  return false;
}

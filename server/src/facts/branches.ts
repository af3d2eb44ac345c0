import type { MacroDef } from '../preproc';
import { expandMacros } from '../preproc';
import { constantValue } from './constant';
import { splitTopLevel, stripParens } from './text';

type Lookup = (name: string) => MacroDef | undefined;
export type BranchHint = 'likely' | 'unlikely';

const UNLIKELY_NAME = /(?:^|_)unlikely$/i;
const LIKELY_NAME = /(?:^|_)likely$/i;
/** Conditions worth examining at all: the hint spelled out, or a project macro that carries `__builtin_expect`. */
export const MAY_HINT = /likely|__builtin_expect/i;

/** `name(args)` spanning the whole text, as [name, args]. */
function wholeCall(text: string): [string, string] | undefined {
  const m = /^([A-Za-z_]\w*)\s*\(/.exec(text);
  if (!m || !text.endsWith(')')) return undefined;
  const args = text.slice(m[0].length, -1);
  let depth = 0;
  for (const c of args) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return undefined;
  }
  return depth === 0 ? [m[1]!, args] : undefined;
}

/**
 * Whether a condition is marked unlikely or likely: `__builtin_expect(c, 0)`,
 * directly or through a macro (`mi_unlikely`, `UNLIKELY`), negations and
 * `&&`/`||` of marked parts. Unknown macros named *unlikely / *likely count.
 */
export function branchHint(cond: string, lookup: Lookup, depth = 0): BranchHint | undefined {
  if (depth > 8) return undefined;
  const text = stripParens(cond);
  const ors = splitTopLevel(text, '||');
  if (ors.length > 1) {
    const hints = ors.map((p) => branchHint(p, lookup, depth + 1));
    return hints.every((h) => h === 'unlikely') ? 'unlikely' : hints.every((h) => h === 'likely') ? 'likely' : undefined;
  }
  const ands = splitTopLevel(text, '&&');
  if (ands.length > 1) {
    const hints = ands.map((p) => branchHint(p, lookup, depth + 1));
    return hints.includes('unlikely') ? 'unlikely' : hints.every((h) => h === 'likely') ? 'likely' : undefined;
  }
  if (text.startsWith('!') && !text.startsWith('!=')) {
    const inner = branchHint(text.slice(1), lookup, depth + 1);
    // `!!(x)` keeps the hint; one `!` flips it.
    return inner === 'likely' ? 'unlikely' : inner === 'unlikely' ? 'likely' : undefined;
  }
  const call = wholeCall(text);
  if (!call) return undefined;
  const [name, args] = call;
  if (name === '__builtin_expect') {
    const parts = splitTopLevel(args, ',');
    if (parts.length !== 2) return undefined;
    const expected = constantValue(parts[1]!, lookup);
    return expected === undefined ? undefined : expected === 0n ? 'unlikely' : 'likely';
  }
  const def = lookup(name);
  if (def?.params) {
    const expanded = expandMacros(text, lookup);
    if ('text' in expanded && expanded.text !== text) {
      const hint = branchHint(expanded.text, lookup, depth + 1);
      if (hint) return hint;
    }
  }
  if (UNLIKELY_NAME.test(name)) return 'unlikely';
  if (LIKELY_NAME.test(name)) return 'likely';
  return undefined;
}

const REPORTS_ERROR = /\berrno\s*=(?!=)|\bE(?:NOMEM|INVAL|OVERFLOW)\b|\b\w*(?:error|fatal|panic|oom|abort)\w*\s*\(/i;
const LEAVES = /\b(?:return\b[^;]*;|abort\s*\(|_?exit\s*\(|_Exit\s*\(|__builtin_trap\s*\(|__builtin_unreachable\s*\()[\s;}]*$/;

/** An error path: a branch that reports an error (errno, an *error* call) and leaves. */
export function isErrorPath(body: string): boolean {
  return REPORTS_ERROR.test(body) && LEAVES.test(body.trim());
}

const MAY_BE_CONSTANT = /\b(?:true|false|\d|[A-Z_][A-Z0-9_]*\b)/;

/** Per argument of a call's text, the value of the integer-constant ones; undefined when none is. */
export function constantArguments(callText: string, lookup: Lookup): Array<string | null> | undefined {
  const open = callText.indexOf('(');
  if (open < 0 || !callText.endsWith(')')) return undefined;
  const inner = callText.slice(open + 1, -1);
  if (!MAY_BE_CONSTANT.test(inner)) return undefined;
  let any = false;
  const values = splitTopLevel(inner, ',').map((arg) => {
    const trimmed = arg.trim();
    if (!/^[\w\s()!+-]+$/.test(trimmed)) return null;
    const v = constantValue(trimmed, lookup);
    if (v === undefined) return null;
    any = true;
    return v.toString();
  });
  return any ? values : undefined;
}

/** `g.stats[i]->n` → `g.stats->n`: an object path without indices or spaces, to compare reads with writes. */
export function objectPath(text: string): string {
  let t = text.replace(/\s+/g, '');
  // Indices are dropped innermost first: `a[b[i]]` → `a`.
  for (let prev = ''; prev !== t;) {
    prev = t;
    t = t.replace(/\[[^[\]]*\]/g, '');
  }
  t = stripParens(t);
  while (/^[&*]/.test(t)) t = stripParens(t.slice(1));
  return t;
}

const PATH = /[A-Za-z_]\w*(?:(?:\s*\[[^\]]*\])*\s*(?:\.|->)\s*[A-Za-z_]\w*)*/g;

/** The object paths a condition or comparison reads (`g.committed > limit` → g.committed, limit). */
export function readPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PATH)) out.push(objectPath(m[0]));
  return out;
}

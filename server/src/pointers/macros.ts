import { splitTopLevel } from '../facts/text';
import { evaluateCondition, type MacroDef } from '../preproc';
import type { MacroMeaning } from './types';

type Lookup = (name: string) => MacroDef | undefined;

/**
 * The integer value of a constant amount (`16`, `HDR`, `(HDR_SIZE)`), or
 * undefined when it uses anything but numbers and macros (a variable, sizeof).
 */
export function constantValue(text: string, lookup: Lookup): number | undefined {
  if (text.length > 120 || /\bsizeof\b/.test(text)) return undefined;
  const idents = text.match(/[A-Za-z_]\w*/g) ?? [];
  // The #if evaluator reads unknown names as 0; an amount must be made of macros only.
  if (!idents.every((id) => /^[0-9]|^[uUlL]+$/.test(id) || lookup(id) !== undefined)) return undefined;
  const r = evaluateCondition(text, lookup);
  if (!('value' in r)) return undefined;
  const v = Number(r.value);
  return Number.isSafeInteger(v) ? v : undefined;
}

const POINTER_CAST = /^\(\s*(?:const\s+|volatile\s+)*(?:struct\s+)?[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*\s*\*+\s*(?:const\s*)?\)\s*/;
const BYTE_CAST = /^\(\s*(?:const\s+)?(?:unsigned\s+char|signed\s+char|char|uint8_t|int8_t|void)\s*\*\s*\)\s*|^\(\s*u?intptr_t\s*\)\s*/;

function stripParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')') && wraps(t)) t = t.slice(1, -1).trim();
  return t;
}

function wraps(t: string): boolean {
  let depth = 0;
  for (let i = 0; i < t.length - 1; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')') depth--;
    if (depth === 0) return false;
  }
  return true;
}

/** Removes outer parentheses and pointer casts: `((void *)(p))` → `p`. */
function stripCasts(text: string): string {
  let t = stripParens(text);
  for (let i = 0; i < 8; i++) {
    const m = POINTER_CAST.exec(t);
    if (!m) break;
    t = stripParens(t.slice(m[0].length));
  }
  return t;
}

/** Macro arguments: top-level commas, trimmed; none for an empty list. */
function macroArguments(text: string): string[] {
  const trimmed = splitTopLevel(text, ',').map((p) => p.trim());
  return trimmed.length === 1 && trimmed[0] === '' ? [] : trimmed;
}

/**
 * What a function-like macro does to pointer kinds, read from its
 * replacement text: a conversion by the header size, the identity, a call
 * to another function with the arguments passed through (optionally
 * `return`ed), or a raw `*(void **)` link access.
 */
export function macroMeaning(def: MacroDef, headerSizes: readonly number[], lookup: Lookup): MacroMeaning | undefined {
  const params = def.params;
  if (!params) return undefined;
  const body = def.body.trim().replace(/;\s*$/, '');
  if (/\*\s*\(\s*void\s*\*\s*(?:const\s*|volatile\s*)*\*\s*\)/.test(body)) return { k: 'rawlink' };
  const paramIndex = (text: string): number => params.indexOf(stripCasts(text));

  const inner = stripCasts(body);
  const identity = paramIndex(inner);
  if (identity >= 0) return { k: 'identity', param: identity };

  // (uint8_t *)(p) + 1, (char *)(p) - HDR
  const byte = BYTE_CAST.exec(inner);
  if (byte) {
    const rest = inner.slice(byte[0].length);
    const m = /^(\(\s*[A-Za-z_]\w*\s*\)|[A-Za-z_]\w*)\s*([+-])\s*(.+)$/s.exec(rest);
    if (m) {
      const param = params.indexOf(stripParens(m[1]!));
      const amount = constantValue(m[3]!, lookup);
      if (param >= 0 && amount !== undefined && headerSizes.includes(amount)) return { k: m[2] === '+' ? 'toUser' : 'toBase', param };
    }
  }

  // [return] target(args…) with the macro's parameters passed through.
  const call = /^(return\s+)?([A-Za-z_]\w*)\s*\(([\s\S]*)\)$/.exec(stripParens(body));
  if (call && wraps(`(${call[3]!})`)) {
    const args = macroArguments(call[3]!);
    const argMap = args.map(paramIndex);
    if (argMap.some((i) => i >= 0)) return { k: 'alias', target: call[2]!, argMap, returns: call[1] !== undefined };
  }
  return undefined;
}

// Reading declarations and signatures from the text (cheaper than walking nodes across the wasm boundary):
// function names, attributes through macros, callbacks registered as cold, thread-locals.
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { expandMacros, type MacroDef } from '../preproc';
import { IDENT } from './text';
import type { ColdReason } from './types';

export type MacroLookup = (name: string, line: number) => MacroDef | undefined;

/** Functions that register callbacks run once or at exit, and which arguments are those callbacks. */
const COLD_TARGET_FUNCTIONS: Readonly<Record<string, { reason: ColdReason; args: readonly number[] }>> = {
  atexit: { reason: 'atexit target', args: [0] },
  on_exit: { reason: 'atexit target', args: [0] },
  __cxa_atexit: { reason: 'atexit target', args: [0] },
  pthread_once: { reason: 'pthread_once target', args: [1] },
  pthread_atfork: { reason: 'pthread_atfork target', args: [0, 1, 2] },
};

export function coldTargetsOf(callee: string, call: SyntaxNode): Array<{ name: string; reason: ColdReason }> {
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
export function threadLocalNames(text: string): string[] {
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

/** The identifier a function declarator declares (through pointers and parentheses). */
export function functionName(fnNode: SyntaxNode): SyntaxNode | null {
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
export function expandedPrefix(prefix: string, line: number, macroAt: MacroLookup): string {
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
export function attributeReason(prefix: string, line: number, macroAt: MacroLookup): ColdReason | undefined {
  const attrs = attributeText(prefix, line, macroAt);
  if (/\b_{0,2}cold_{0,2}\b/.test(attrs)) return 'attribute cold';
  if (/\b_{0,2}constructor_{0,2}\b/.test(attrs)) return 'constructor';
  if (/\b_{0,2}destructor_{0,2}\b/.test(attrs)) return 'destructor';
  return undefined;
}

/** Condition text for messages: one line, at most 80 characters. */
export function shownCondition(cond: string): string {
  const one = cond.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? one.slice(0, 77) + '…' : one;
}

/** Index of the `)` closing the `(` at `open` (attribute macros may follow it), or -1. */
export function matchingParen(text: string, open: number): number {
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
export function sourceStart(view: string, source: string, index: number): number {
  let p = index;
  while (p > 0 && /\s/.test(view[p - 1]!)) p--;
  for (let i = p; i < index; i++) if (!/\s/.test(source[i]!)) return i;
  return index;
}

export function stringLiteralValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node || node.type !== 'string_literal') return undefined;
  const raw = node.text;
  return raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : undefined;
}

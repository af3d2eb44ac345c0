import type { Node as SyntaxNode, Query, Tree } from 'web-tree-sitter';
import type { PreprocResult } from '../preproc';
import type { RuntimeConstants } from './constant';
import { extractFacts } from './extract';
import type { FileFacts, FunctionFact, SlowBranch, Span } from './types';

/** Where two texts differ: [start, oldEnd) in the old text became [start, newEnd) in the new one. */
export function changedWindow(oldText: string, newText: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < max - start && oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix))
    suffix++;
  return { start, oldEnd: oldText.length - suffix, newEnd: newText.length - suffix };
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function shiftSpan(span: Span, lines: number): Span {
  return { line: span.line + lines, column: span.column, endLine: span.endLine + lines, endColumn: span.endColumn };
}

function shiftBranch(branch: SlowBranch, lines: number): SlowBranch {
  return { ...branch, line: branch.line + lines };
}

function shiftFunction(fn: FunctionFact, chars: number, lines: number): FunctionFact {
  return {
    ...fn,
    range: { start: fn.range.start + chars, bodyStart: fn.range.bodyStart + chars, end: fn.range.end + chars },
    nameSpan: shiftSpan(fn.nameSpan, lines),
    span: shiftSpan(fn.span, lines),
    calls: fn.calls.map((c) => ({ ...c, span: shiftSpan(c.span, lines), ...(c.slow ? { slow: shiftBranch(c.slow, lines) } : {}) })),
    increments: fn.increments.map((i) => ({
      ...i,
      span: shiftSpan(i.span, lines),
      ...(i.slow ? { slow: shiftBranch(i.slow, lines) } : {}),
    })),
    ...(fn.earlyExits ? { earlyExits: fn.earlyExits.map((e) => ({ ...e, endLine: e.endLine + lines })) } : {}),
  };
}

function functionNodeAt(tree: Tree, start: number): SyntaxNode | undefined {
  let node: SyntaxNode | null = tree.rootNode.descendantForIndex(start);
  while (node && !(node.type === 'function_definition' && node.startIndex === start)) node = node.parent;
  return node ?? undefined;
}

/** True when [start, end) lies on a directive line or right before a `#` (a newline removed there joins a directive to code). */
function nearDirective(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*#/.test(text.slice(lineStart, start))) return true;
  let p = end;
  while (text[p] === ' ' || text[p] === '\t') p++;
  return text[p] === '#';
}

/** A definition recovered inside damaged code: what its calls belong to depends on the damage around it. */
function insideError(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'ERROR') return true;
  return false;
}

/**
 * Updates a file's facts after an edit inside one function body (typing):
 * that function is extracted again and the others are only moved. Returns
 * undefined when the edit may reach further (a directive, an annotation, a
 * change of function boundaries), so the caller extracts the whole file.
 */
export function updateFacts(
  previous: FileFacts,
  previousText: string,
  text: string,
  tree: Tree,
  query: Query,
  preproc: PreprocResult,
  constants?: RuntimeConstants,
  /** The source when the texts are syntax views (see extractFacts). */
  source: string = text,
): FileFacts | undefined {
  const w = changedWindow(previousText, text);
  // Directives and annotations change what every function means.
  const touched = previousText.slice(w.start, w.oldEnd) + text.slice(w.start, w.newEnd);
  if (touched.includes('#') || touched.includes('hakmem')) return undefined;
  if (nearDirective(previousText, w.start, w.oldEnd) || nearDirective(text, w.start, w.newEnd)) return undefined;
  const index = previous.functions.findIndex((f) => f.range.bodyStart < w.start && w.oldEnd < f.range.end);
  if (index < 0) return undefined;
  const old = previous.functions[index]!;
  // Definitions recovered inside another one (damaged code) come and go with the damage.
  if (previous.functions.some((f, i) => i !== index && f.range.start < old.range.end && f.range.end > old.range.start)) return undefined;
  const chars = w.newEnd - w.oldEnd;
  const node = functionNodeAt(tree, old.range.start);
  if (!node || node.endIndex !== old.range.end + chars || insideError(node)) return undefined;
  const fresh = extractFacts(
    previous.path,
    text,
    tree,
    query,
    preproc,
    previous.build,
    { range: [node.startIndex, node.endIndex], globals: previous.globals },
    constants,
    source,
  );
  const replaced = fresh.functions[0];
  if (fresh.functions.length !== 1 || !replaced || replaced.range.start !== old.range.start) return undefined;
  const lines = countNewlines(text, w.start, w.newEnd) - countNewlines(previousText, w.start, w.oldEnd);
  const functions = [
    ...previous.functions.slice(0, index),
    replaced,
    ...previous.functions.slice(index + 1).map((f) => shiftFunction(f, chars, lines)),
  ];
  return {
    ...fresh,
    functions,
    coldMarks: [...previous.prototypeColdMarks, ...functions.flatMap((f) => f.registers)],
    prototypeColdMarks: previous.prototypeColdMarks,
    globals: previous.globals,
  };
}

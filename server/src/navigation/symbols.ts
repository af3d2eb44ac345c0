import type { FileFacts, Span } from '../facts/types';
import { LineIndex } from '../facts/text';
import type { HotPathModel } from '../hotpath/graph';
import type { CallIndex } from './callIndex';

/** What navigation reads from the analysed workspace (the analysis Workspace provides it). */
export interface IndexedWorkspace {
  model(): HotPathModel;
  facts(path: string): FileFacts | undefined;
  text(path: string): string | undefined;
  paths(): string[];
}

/** The name under the cursor: a function (defined in the workspace or not) or a macro. */
export interface SymbolAt {
  readonly kind: 'function' | 'macro';
  readonly name: string;
  /** The name's range at the cursor. */
  readonly span: Span;
  /** For a macro call: the functions it reaches. */
  readonly targets?: readonly string[];
}

/** A place in the workspace: a file and a range in it. */
export interface SourceRange {
  readonly path: string;
  readonly span: Span;
}

const WORD = /[A-Za-z_0-9]/;
const DEFINE_BEFORE = /^\s*#\s*define\s+$/;

function contains(span: Span, line: number, character: number): boolean {
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && character < span.column) return false;
  if (line === span.endLine && character > span.endColumn) return false;
  return true;
}

/** Line indexes of the last few texts asked about (each pins its text: a huge file must not stay forever). */
const lineIndexes = new Map<string, { text: string; index: LineIndex }>();
const LINE_INDEXES_KEPT = 4;

function lineIndexOf(path: string, text: string): LineIndex {
  const cached = lineIndexes.get(path);
  lineIndexes.delete(path);
  const index = cached?.text === text ? cached.index : new LineIndex(text);
  lineIndexes.set(path, { text, index });
  for (const oldest of lineIndexes.keys()) {
    if (lineIndexes.size <= LINE_INDEXES_KEPT) break;
    lineIndexes.delete(oldest);
  }
  return index;
}

/** The identifier at (line, character) of `text`, with its range. */
export function wordAt(path: string, text: string, line: number, character: number): { word: string; span: Span } | undefined {
  const lines = lineIndexOf(path, text);
  if (line < 0 || line >= lines.lineCount) return undefined;
  const lineText = lines.lineText(line);
  let start = Math.min(character, lineText.length);
  let end = start;
  while (start > 0 && WORD.test(lineText[start - 1]!)) start--;
  while (end < lineText.length && WORD.test(lineText[end]!)) end++;
  const word = lineText.slice(start, end);
  if (!/^[A-Za-z_]\w*$/.test(word)) return undefined;
  return { word, span: { line, column: start, endLine: line, endColumn: end } };
}

/**
 * The function or macro at a position: a function's name where it is defined, a
 * call (of a function or a macro, also inside ERROR nodes), else any identifier
 * naming a function the workspace defines or calls (a prototype, a callback
 * passed by name) or a macro at its #define or where it is called.
 */
export function symbolAt(
  ws: IndexedWorkspace,
  index: Pick<CallIndex, 'definitions' | 'knowsFunction' | 'knowsMacroCall'>,
  path: string,
  line: number,
  character: number,
): SymbolAt | undefined {
  const facts = ws.facts(path);
  for (const fn of facts?.functions ?? []) {
    if (contains(fn.nameSpan, line, character)) return { kind: 'function', name: fn.name, span: fn.nameSpan };
    if (!contains(fn.span, line, character)) continue;
    for (const call of fn.calls) {
      const span = {
        line: call.span.line,
        column: call.span.column,
        endLine: call.span.line,
        endColumn: call.span.column + call.callee.length,
      };
      if (!contains(span, line, character)) continue;
      return call.viaMacro
        ? { kind: 'macro', name: call.callee, span, targets: call.targets }
        : { kind: 'function', name: call.callee, span };
    }
    break;
  }
  const text = ws.text(path);
  const at = text === undefined ? undefined : wordAt(path, text, line, character);
  if (!at || text === undefined) return undefined;
  const before = lineIndexOf(path, text).lineText(line).slice(0, at.span.column);
  // The cheap answers first: knowing the calls indexes every call site of the workspace.
  if (DEFINE_BEFORE.test(before)) return { kind: 'macro', name: at.word, span: at.span };
  if (index.definitions.has(at.word)) return { kind: 'function', name: at.word, span: at.span };
  if (index.knowsMacroCall(at.word)) return { kind: 'macro', name: at.word, span: at.span };
  if (index.knowsFunction(at.word)) return { kind: 'function', name: at.word, span: at.span };
  return undefined;
}

function inactive(facts: FileFacts | undefined, line: number): boolean {
  return (facts?.inactiveRanges ?? []).some((r) => line >= r.startLine && line <= r.endLine);
}

/**
 * Where the macro `name` is #defined in the workspace's files, at its name:
 * the definitions the build compiles, or every one when it compiles none.
 */
export function macroDefinitions(ws: IndexedWorkspace, name: string): SourceRange[] {
  const active: SourceRange[] = [];
  const all: SourceRange[] = [];
  for (const path of ws.paths()) {
    const text = ws.text(path);
    if (text === undefined) continue;
    let lines: LineIndex | undefined;
    for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length)) {
      const end = i + name.length;
      if (WORD.test(text[end] ?? '') || (i > 0 && WORD.test(text[i - 1]!))) continue;
      const lineStart = text.lastIndexOf('\n', i - 1) + 1;
      if (!DEFINE_BEFORE.test(text.slice(lineStart, i))) continue;
      lines ??= lineIndexOf(path, text);
      const line = lines.lineOf(i);
      const found = { path, span: { line, column: i - lineStart, endLine: line, endColumn: end - lineStart } };
      all.push(found);
      if (!inactive(ws.facts(path), line)) active.push(found);
    }
  }
  return active.length > 0 ? active : all;
}

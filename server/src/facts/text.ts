/** Text-level helpers for fact extraction: cheaper than asking the syntax tree, and tree-independent. */

export const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/** Offsets where each line starts, for index → (line, column) without splitting the text. */
export class LineIndex {
  private readonly starts: Int32Array;

  constructor(private readonly text: string) {
    let count = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
    const starts = new Int32Array(count);
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[n++] = i + 1;
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  columnOf(index: number, line: number = this.lineOf(index)): number {
    return index - this.starts[line]!;
  }

  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const next = this.starts[line + 1];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }
}

/** Splits at top-level occurrences of `sep` (outside (), [] and {}). */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(last, i));
      last = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(text.slice(last));
  return parts;
}

export function stripParens(text: string): string {
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

const TYPE_WORDS = new Set([
  'void',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'signed',
  'unsigned',
  'const',
  'volatile',
  'static',
  'extern',
  'register',
  'restrict',
  '__restrict',
  'inline',
  '__inline',
  'struct',
  'union',
  'enum',
  '_Bool',
  'bool',
  '_Thread_local',
  '__thread',
  'thread_local',
  '_Atomic',
  'auto',
]);

/** What one declarator declares: a name, and whether it declares a function (a prototype). */
export interface DeclaredName {
  readonly name: string;
  readonly isFunction: boolean;
}

/** Names declared by a declaration's text (`static int a = 1, *b[4];`, `void (*fp)(int);`, `int f(int);`). */
export function declaredNames(declText: string): DeclaredName[] {
  const body = declText.replace(/;\s*$/, '');
  const out: DeclaredName[] = [];
  const pieces = splitTopLevel(body, ',');
  for (let i = 0; i < pieces.length; i++) {
    let piece = splitTopLevel(pieces[i]!, '=')[0]!;
    piece = piece.replace(/__attribute__\s*\(\(.*?\)\)/g, ' ');
    const pointerToFunction = /\(\s*\*\s*([A-Za-z_]\w*)\s*\)/.exec(piece);
    if (pointerToFunction) {
      out.push({ name: pointerToFunction[1]!, isFunction: false });
      continue;
    }
    const paren = piece.indexOf('(');
    if (paren > 0) {
      const m = /([A-Za-z_]\w*)\s*$/.exec(piece.slice(0, paren));
      if (m && !TYPE_WORDS.has(m[1]!)) out.push({ name: m[1]!, isFunction: true });
      continue;
    }
    const withoutArrays = piece.replace(/\[[^\]]*\]/g, ' ');
    const m = /([A-Za-z_]\w*)\s*$/.exec(withoutArrays);
    // The first piece carries the type: `int` alone declares nothing.
    if (m && !TYPE_WORDS.has(m[1]!) && (i > 0 || /[\s*]/.test(withoutArrays.trim()))) out.push({ name: m[1]!, isFunction: false });
  }
  return out;
}

/** The name a parameter declares (`const char *z`, `void (*cb)(void)`, `char *argv[]`), if any. */
export function parameterName(paramText: string): string | undefined {
  return declaredNames(paramText)[0]?.name;
}

/** `hakmem-lint: ignore code…` comments: line → codes, found by scanning the text (no tree needed). */
export function ignoreComments(text: string, lines: LineIndex): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  const re = /hakmem-lint:\s*ignore((?:[ \t,]+[a-z][a-z0-9-]*)*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = lines.lineOf(m.index);
    const lineText = lines.lineText(line);
    const commentStart = Math.max(
      lineText.lastIndexOf('//', lines.columnOf(m.index, line)),
      lineText.lastIndexOf('/*', lines.columnOf(m.index, line)),
    );
    if (commentStart < 0) continue;
    const codes = new Set((m[1] ?? '').split(/[\s,]+/).filter(Boolean));
    // A comment alone on its line silences the next line; a trailing comment its own line.
    const alone = lineText.slice(0, commentStart).trim() === '';
    out.set(alone ? line + 1 : line, codes);
  }
  return out;
}

/** `hakmem:hot` / `hakmem:cold` in the comment lines right above a function. */
export function annotationAbove(lines: LineIndex, startLine: number): 'hot' | 'cold' | undefined {
  for (let l = startLine - 1, seen = 0; l >= 0 && seen < 4; l--, seen++) {
    const text = lines.lineText(l).trim();
    if (text === '') continue;
    if (!(text.startsWith('//') || text.startsWith('/*') || text.startsWith('*') || text.endsWith('*/'))) return undefined;
    const m = /hakmem:(hot|cold)\b/.exec(text);
    if (m) return m[1] as 'hot' | 'cold';
  }
  return undefined;
}

/**
 * Environment variables the file reads: literal getenv/secure_getenv arguments,
 * and HAKMEM_* string literals (settings are often read through a helper).
 */
export function environmentNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b(?:secure_)?getenv\s*\(\s*"([^"\\\n]+)"/g)) names.add(m[1]!);
  for (const m of text.matchAll(/"(HAKMEM_[A-Z0-9_]+)"/g)) names.add(m[1]!);
  return [...names].sort();
}

/** One preprocessing directive as found in the text. */
export interface Directive {
  /** 0-based line of the '#'. */
  line: number;
  /** Last line of the directive (continuations and comments spanning lines included). */
  endLine: number;
  /** Directive keyword ('if', 'define' …), '' for a null directive, digits for a line marker. */
  name: string;
  /** Text after the keyword: continuations joined, comments replaced by a space, trimmed. */
  rest: string;
}

export interface ScanResult {
  lineCount: number;
  directives: Directive[];
  /** Include-guard macro when the whole file is `#ifndef G / #define G … #endif`. */
  guard?: string;
}

const NL = 10;
const CR = 13;
const HASH = 35;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const DQUOTE = 34;
const SQUOTE = 39;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === CR;
}

/**
 * Finds every directive, skipping block comments, string literals and line
 * comments. Lines without a comment opener are passed with one indexOf, so
 * the cost is linear in the text with a small constant.
 */
export function scanDirectives(text: string): ScanResult {
  const n = text.length;
  const directives: Directive[] = [];
  let pos = 0;
  let line = 0;
  // Cached index of the next "/*" at or after pos (n when none), so lines without one cost no scan.
  let nextOpen = -1;
  while (pos < n) {
    let p = pos;
    while (p < n && isBlank(text.charCodeAt(p))) p++;
    // A comment before '#' on the same line is whitespace: `/* x */ #define`.
    while (text.charCodeAt(p) === SLASH && text.charCodeAt(p + 1) === STAR) {
      const close = text.indexOf('*/', p + 2);
      const nl = text.indexOf('\n', p + 2);
      if (close < 0 || (nl >= 0 && nl < close)) break;
      p = close + 2;
      while (p < n && isBlank(text.charCodeAt(p))) p++;
    }
    if (text.charCodeAt(p) === HASH) {
      const d = readDirective(text, p + 1, line);
      directives.push(d.directive);
      pos = d.next;
      line = d.directive.endLine + 1;
      continue;
    }
    let nl = text.indexOf('\n', p);
    if (nl < 0) nl = n;
    if (nextOpen < p) {
      nextOpen = text.indexOf('/*', p);
      if (nextOpen < 0) nextOpen = n;
    }
    if (nextOpen < nl || endsWithBackslash(text, nl)) {
      const r = skipCodeLine(text, p, line);
      pos = r.next;
      line = r.line;
    } else {
      pos = nl + 1;
      line++;
    }
  }
  // Lines as editors count them: the text after the last newline is a line, even when empty.
  const result: ScanResult = { lineCount: countNewlines(text, 0, n) + 1, directives };
  const guard = findIncludeGuard(directives);
  if (guard) result.guard = guard;
  return result;
}

function endsWithBackslash(text: string, nl: number): boolean {
  let e = nl - 1;
  if (text.charCodeAt(e) === CR) e--;
  return e >= 0 && text.charCodeAt(e) === BACKSLASH;
}

/** Index after a string or character literal (or of the newline ending an unterminated one). */
function skipQuoted(text: string, i: number, quote: number, lineRef: { line: number }): number {
  const n = text.length;
  i++;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      if (text.charCodeAt(i + 1) === NL) lineRef.line++;
      else if (text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL) {
        lineRef.line++;
        i++;
      }
      i += 2;
    } else if (c === quote) return i + 1;
    else if (c === NL) return i;
    else i++;
  }
  return n;
}

/** Counts newlines in text[from, to). */
function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  let i = text.indexOf('\n', from);
  while (i >= 0 && i < to) {
    count++;
    i = text.indexOf('\n', i + 1);
  }
  return count;
}

/** Careful scan of a code line that may open a block comment; returns the start of the next logical line. */
function skipCodeLine(text: string, i: number, line: number): { next: number; line: number } {
  const n = text.length;
  const ref = { line };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) return { next: i + 1, line: ref.line + 1 };
    if (c === BACKSLASH) {
      // Backslash-newline joins the next physical line to this logical line.
      if (text.charCodeAt(i + 1) === NL) {
        ref.line++;
        i += 2;
        continue;
      }
      if (text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL) {
        ref.line++;
        i += 3;
        continue;
      }
      i++;
    } else if (c === DQUOTE || c === SQUOTE) {
      i = skipQuoted(text, i, c, ref);
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      // A line comment runs to the end of the line, extended by backslash-newline.
      let nl = text.indexOf('\n', i);
      while (nl >= 0 && endsWithBackslash(text, nl)) {
        ref.line++;
        nl = text.indexOf('\n', nl + 1);
      }
      return nl < 0 ? { next: n, line: ref.line } : { next: nl + 1, line: ref.line + 1 };
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      ref.line += countNewlines(text, i, end);
      i = end;
    } else {
      i++;
    }
  }
  return { next: n, line: ref.line };
}

/** Reads a directive starting after its '#': joins continuations, drops comments. */
function readDirective(text: string, i: number, line: number): { directive: Directive; next: number } {
  const n = text.length;
  const startLine = line;
  const ref = { line };
  const parts: string[] = [];
  let seg = i;
  let end = n;
  let next = n;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      end = i;
      next = i + 1;
      break;
    }
    if (c === BACKSLASH) {
      const lf = text.charCodeAt(i + 1) === NL ? 1 : text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NL ? 2 : 0;
      if (lf > 0) {
        parts.push(text.slice(seg, i));
        i += 1 + lf;
        seg = i;
        ref.line++;
        continue;
      }
      i++;
    } else if (c === DQUOTE || c === SQUOTE) {
      i = skipQuoted(text, i, c, ref);
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      parts.push(text.slice(seg, i));
      let nl = text.indexOf('\n', i);
      while (nl >= 0 && endsWithBackslash(text, nl)) {
        ref.line++;
        nl = text.indexOf('\n', nl + 1);
      }
      seg = end = nl < 0 ? n : nl;
      next = nl < 0 ? n : nl + 1;
      break;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      parts.push(text.slice(seg, i), ' ');
      const close = text.indexOf('*/', i + 2);
      const stop = close < 0 ? n : close + 2;
      ref.line += countNewlines(text, i, stop);
      i = seg = stop;
    } else {
      i++;
    }
  }
  if (i >= n) end = n;
  if (seg < end) parts.push(text.slice(seg, end));
  const body = parts.length === 1 ? parts[0]! : parts.join('');
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*|[0-9]+)?/.exec(body)!;
  const name = m[1] ?? '';
  const rest = body.slice(m[0].length).trim();
  return { directive: { line: startLine, endLine: ref.line, name, rest }, next };
}

/** `#ifndef G` (or `#if !defined(G)`) first, `#define G` next, its `#endif` last. */
function findIncludeGuard(ds: Directive[]): string | undefined {
  if (ds.length < 3) return undefined;
  const first = ds[0]!;
  let guard: string | undefined;
  if (first.name === 'ifndef') guard = /^[A-Za-z_]\w*$/.exec(first.rest)?.[0];
  else if (first.name === 'if')
    guard = /^!\s*defined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))$/.exec(first.rest)?.slice(1).find(Boolean);
  if (!guard) return undefined;
  const second = ds[1]!;
  if (second.name !== 'define' || !new RegExp(`^${guard}(\\s|$)`).test(second.rest)) return undefined;
  let depth = 0;
  for (let i = 0; i < ds.length; i++) {
    const name = ds[i]!.name;
    if (name === 'if' || name === 'ifdef' || name === 'ifndef') depth++;
    else if (name === 'endif') {
      depth--;
      if (depth === 0) return i === ds.length - 1 ? guard : undefined;
    } else if (depth === 0) return undefined;
  }
  return undefined;
}

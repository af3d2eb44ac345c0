import type { MacroDef } from '../preproc';
import { expandText, newContext } from '../preproc/expand';

/** What the view needs from the preprocessor's evaluation of the file. */
export interface MacroKnowledge {
  macroAt(name: string, line: number): MacroDef | undefined;
  definitions(): readonly MacroDef[];
}

/**
 * The text handed to tree-sitter: the source as its compiler sees it where the
 * grammar, which knows no macros, would misparse an allocator idiom.
 *
 * - `if mi_unlikely(c) {` (the macro supplies the parentheses) becomes
 *   `if(mi_unlikely(c)){`, or `if            (c) {` when no blank follows `)`.
 * - A macro expanding to attributes and declaration keywords only, around a
 *   declarator (`JEMALLOC_ATTR(malloc) void *je_malloc(…)`, `f(…) mi_attr_noexcept {`),
 *   becomes the storage keywords it expands to (`static`, `extern`, …) padded
 *   with spaces, or spaces alone.
 * - `_Atomic(T)` becomes `_Atomic T `, and `_Thread_local` (a C11 keyword the
 *   grammar lacks) `__thread` padded with spaces.
 *
 * Every substitution keeps the length and the newlines, so each offset, row and
 * column of the tree is the source's. Comments, strings and directive lines are
 * never touched. Returns `source` itself when nothing needs rewriting. With
 * `range` (a slice cut between functions), only that part is rewritten.
 */
export function syntaxView(source: string, macros: MacroKnowledge, range?: readonly [number, number]): string {
  const attributeMacros = attributeMacroNames(macros);
  const pattern = candidatePattern(attributeMacros);
  const [from, to] = range ?? [0, source.length];
  const rewriter = new Rewriter(source, macros, from);
  pattern.lastIndex = from;
  for (let m = pattern.exec(source); m && m.index < to; m = pattern.exec(source)) {
    try {
      if (m[1] !== undefined) rewriter.unparenthesisedCondition(m.index, m[1].length, m.index + m[0].length);
      else if (m[2] !== undefined) rewriter.atomicSpecifier(m.index, m.index + m[0].length - 1);
      else if (m[3] !== undefined) rewriter.threadLocal(m.index, m[3].length);
      else rewriter.attributeMacro(m.index, m[0]);
    } catch {
      // A shape this does not understand is left as written.
    }
  }
  return rewriter.result();
}

/** Storage classes and qualifiers an attribute macro may expand to (kept in the view), by importance. */
const KEPT_KEYWORDS = [
  'static',
  'extern',
  '_Thread_local',
  '__thread',
  'thread_local',
  'inline',
  '__inline',
  '__inline__',
  '__forceinline',
  'const',
  'volatile',
  'restrict',
  '__restrict',
  '__restrict__',
  '_Noreturn',
  'register',
];
const KEPT = new Set(KEPT_KEYWORDS);
/** Keywords the grammar does not know, as it spells them. */
const GRAMMAR_SPELLING: Readonly<Record<string, string>> = { _Thread_local: '__thread' };
/** Words an attribute macro may expand to that mean nothing to the analysis. */
const DROPPED = new Set(['__extension__', 'noexcept', '__cdecl', '__stdcall', '__fastcall', '__vectorcall', 'throw']);
const ATTRIBUTE_WORDS = new Set(['__attribute__', '__attribute', '__declspec', 'alignas', '_Alignas']);

interface AttributeExpansion {
  /** Keywords of the expansion in the view, in source order (attributes dropped). */
  readonly keywords: readonly string[];
}

const expansionCache = new WeakMap<MacroDef, AttributeExpansion | null>();
/**
 * The same header is evaluated again for every file that includes it, with
 * new definition objects: classifications are also kept by what decides them
 * (the definition's text and that of the macros its body names).
 */
const expansionByText = new Map<string, AttributeExpansion | null>();
const EXPANSION_BY_TEXT_LIMIT = 20000;
/** Operators and punctuation no attribute or keyword list contains (outside string literals). */
const NOT_AN_ATTRIBUTE = /[+\-*/%<>!?:;{}=&|^~#.]/;

/** Skips a balanced group starting at `tokens[i]` (an opening bracket); returns the index after it, or -1. */
function skipGroup(tokens: readonly string[], i: number): number {
  const open = tokens[i];
  const close = open === '(' ? ')' : open === '[' ? ']' : undefined;
  if (!close) return -1;
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    if (tokens[j] === open) depth++;
    else if (tokens[j] === close && --depth === 0) return j + 1;
  }
  return -1;
}

/**
 * The keywords a macro's expansion leaves once attributes are dropped, or null
 * when it expands to anything else (an expression, a type, a statement).
 * Parameters stay as written: they may appear inside attributes only.
 */
function attributeExpansion(def: MacroDef, lookup: (name: string) => MacroDef | undefined): AttributeExpansion | null {
  const cached = expansionCache.get(def);
  if (cached !== undefined) return cached;
  const body = def.body.trim();
  if (NOT_AN_ATTRIBUTE.test(body.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) {
    expansionCache.set(def, null);
    return null;
  }
  const params = new Set(def.params ?? []);
  const nested = (body.match(/[A-Za-z_]\w*/g) ?? []).filter((n) => !params.has(n)).map((n) => lookup(n)?.body ?? '');
  const key = `${def.name}\u0001${def.params?.join(',') ?? '-'}\u0001${body}\u0001${nested.join('\u0002')}`;
  const known = expansionByText.get(key);
  if (known !== undefined) {
    expansionCache.set(def, known);
    return known;
  }
  let result: AttributeExpansion | null;
  try {
    // Expanding the body alone: a parameter named like a macro must not expand.
    const expanded =
      body === ''
        ? ''
        : expandText(
            body,
            newContext((n) => (params.has(n) || n === def.name ? undefined : lookup(n))),
          );
    const tokens: string[] = expanded.match(/[A-Za-z_]\w*|\[\[|\]\]|"(?:[^"\\]|\\.)*"|\S/g) ?? [];
    const keywords: string[] = [];
    let ok = true;
    for (let i = 0; i < tokens.length && ok;) {
      const t = tokens[i]!;
      if (ATTRIBUTE_WORDS.has(t)) {
        const next = skipGroup(tokens, i + 1);
        if (next < 0) ok = false;
        else i = next;
      } else if (t === '[[') {
        const close = tokens.indexOf(']]', i + 1);
        if (close < 0) ok = false;
        else i = close + 1;
      } else if (KEPT.has(t)) {
        keywords.push(t);
        i++;
      } else if (DROPPED.has(t)) {
        i++;
        // `throw()` after a declarator in C++ headers.
        if (t === 'throw' && tokens[i] === '(') i = skipGroup(tokens, i);
        if (i < 0) ok = false;
      } else {
        ok = false;
      }
    }
    result = ok ? { keywords } : null;
  } catch {
    result = null;
  }
  expansionCache.set(def, result);
  if (expansionByText.size >= EXPANSION_BY_TEXT_LIMIT) expansionByText.clear();
  expansionByText.set(key, result);
  return result;
}

function attributeMacroNames(macros: MacroKnowledge): Set<string> {
  const names = new Set<string>();
  const finalLookup = (n: string): MacroDef | undefined => macros.macroAt(n, Number.MAX_SAFE_INTEGER);
  for (const def of macros.definitions()) {
    if (names.has(def.name) || !/^[A-Za-z_]\w*$/.test(def.name)) continue;
    if (attributeExpansion(def, finalLookup)) names.add(def.name);
  }
  return names;
}

/** The last few patterns by attribute macro list: the files of one tree share their headers' macros. */
const candidatePatterns = new Map<string, RegExp>();

/** One pass over the text finds every place that may need rewriting. */
function candidatePattern(attributeMacros: ReadonlySet<string>): RegExp {
  const names = [...attributeMacros].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  const alternatives = ['\\b(if|while)\\s+(?=[A-Za-z_])', '\\b(_Atomic)\\s*\\(', '\\b(_Thread_local)\\b'];
  if (names.length > 0) alternatives.push(`\\b(?:${names.join('|')})\\b`);
  const source = alternatives.join('|');
  let pattern = candidatePatterns.get(source);
  if (!pattern) {
    if (candidatePatterns.size >= 16) candidatePatterns.clear();
    candidatePatterns.set(source, (pattern = new RegExp(source, 'g')));
  }
  return pattern;
}

const WORD = /[A-Za-z0-9_]/;
const SPACE = /[ \t\r\n\f\v]/;
const EXPRESSION_BEFORE = new Set(['=', '+', '-', '/', '%', '<', '>', '!', '^', '?', '~', '|', '&', '.']);
const STATEMENT_BEFORE = new Set([';', '{', '}', ':']);
const CONTROL_WORDS = new Set(['if', 'while', 'for', 'switch']);
const LONGEST_GROUP = 8192;

/**
 * Tells code from comments, strings and character literals, for positions asked
 * in increasing order; remembers the regions passed so a look backwards can skip them.
 */
class CodeScanner {
  private readonly special = /\/\*|\/\/|"|'/g;
  private regionStart = -1;
  private regionEnd = -1;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(
    private readonly s: string,
    private from: number,
  ) {}

  isCode(index: number): boolean {
    for (;;) {
      if (this.regionStart < 0 || this.regionEnd <= this.from) this.nextRegion();
      if (index < this.regionStart) return true;
      if (index < this.regionEnd) return false;
      this.from = this.regionEnd;
    }
  }

  /** Start of the already passed comment or literal holding `index`, or -1. */
  regionAt(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (index < this.starts[mid]!) hi = mid - 1;
      else if (index >= this.ends[mid]!) lo = mid + 1;
      else return this.starts[mid]!;
    }
    return -1;
  }

  private nextRegion(): void {
    this.special.lastIndex = this.from;
    const m = this.special.exec(this.s);
    if (!m) {
      this.regionStart = this.regionEnd = Number.MAX_SAFE_INTEGER;
      return;
    }
    this.regionStart = m.index;
    this.regionEnd = regionEnd(this.s, m.index, m[0]);
    this.starts.push(this.regionStart);
    this.ends.push(this.regionEnd);
  }
}

/** End of the comment, string or character literal opened by `opener` at `start`. */
function regionEnd(s: string, start: number, opener: string): number {
  if (opener === '/*') {
    const close = s.indexOf('*/', start + 2);
    return close < 0 ? s.length : close + 2;
  }
  if (opener === '//') {
    const nl = s.indexOf('\n', start);
    return nl < 0 ? s.length : nl;
  }
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === opener || c === '\n') return i + 1;
  }
  return s.length;
}

/** Collects same-length substitutions and applies them at the end. */
class Rewriter {
  private readonly code: CodeScanner;
  private readonly edits: Array<{ start: number; text: string }> = [];
  /** Source ranges already rewritten to blanks (a run of attribute macros reads as one). */
  private blankStart = -1;
  private blankEnd = -1;
  private line = 0;
  private lineFrom = 0;

  constructor(
    private readonly s: string,
    private readonly macros: MacroKnowledge,
    from: number,
  ) {
    this.code = new CodeScanner(s, from);
  }

  result(): string {
    if (this.edits.length === 0) return this.s;
    this.edits.sort((a, b) => a.start - b.start);
    const parts: string[] = [];
    let at = 0;
    for (const e of this.edits) {
      if (e.start < at) continue;
      parts.push(this.s.slice(at, e.start), e.text);
      at = e.start + e.text.length;
    }
    parts.push(this.s.slice(at));
    return parts.join('');
  }

  /** `if NAME(args) body`: parentheses around the condition, from the blanks beside it. */
  unparenthesisedCondition(keyword: number, keywordLength: number, nameStart: number): void {
    if (!this.isCodeLine(keyword)) return;
    let nameEnd = nameStart;
    while (nameEnd < this.s.length && WORD.test(this.s[nameEnd]!)) nameEnd++;
    const open = this.skipSpace(nameEnd);
    if (this.s[open] !== '(') return;
    const close = this.matchingClose(open);
    if (close < 0) return;
    let before = -1;
    for (let i = nameStart - 1; i >= keyword + keywordLength; i--) {
      if (this.s[i] !== '\n' && this.s[i] !== '\r') {
        before = i;
        break;
      }
    }
    let after = -1;
    for (let i = close + 1; i < this.s.length && SPACE.test(this.s[i]!); i++) {
      if (this.s[i] !== '\n' && this.s[i] !== '\r') {
        after = i;
        break;
      }
    }
    if (before >= 0 && after >= 0) {
      this.edits.push({ start: before, text: '(' }, { start: after, text: ')' });
    } else {
      // No blank to turn into `)`: the macro's arguments, already parenthesised, are the condition.
      this.edits.push({ start: nameStart, text: ' '.repeat(nameEnd - nameStart) });
    }
  }

  /** `_Atomic(T)` → `_Atomic T ` (the qualifier form the grammar knows). */
  atomicSpecifier(start: number, open: number): void {
    if (!this.isCodeLine(start)) return;
    const close = this.matchingClose(open);
    if (close < 0 || this.s.slice(open + 1, close).includes('(')) return;
    if (this.macros.macroAt('_Atomic', this.lineOf(start))) {
      // Defined away (`#define _Atomic(T) T`): the type alone.
      this.edits.push({ start, text: ' '.repeat(open + 1 - start) });
    } else {
      this.edits.push({ start: open, text: ' ' });
    }
    this.edits.push({ start: close, text: ' ' });
  }

  /** `_Thread_local` → `__thread` and blanks (same meaning, spelled as the grammar knows it). */
  threadLocal(start: number, length: number): void {
    if (this.isCodeLine(start)) this.edits.push({ start, text: GRAMMAR_SPELLING._Thread_local!.padEnd(length) });
  }

  /** An attribute macro around a declarator: its keywords padded with spaces, or blanks. */
  attributeMacro(start: number, name: string): void {
    if (!this.isCodeLine(start)) return;
    const line = this.lineOf(start);
    const def = this.macros.macroAt(name, line);
    if (!def) return;
    const expansion = attributeExpansion(def, (n) => this.macros.macroAt(n, line));
    if (!expansion) return;
    let end = start + name.length;
    if (def.params) {
      const open = this.skipSpace(end);
      if (this.s[open] !== '(') return;
      const close = this.matchingClose(open);
      if (close < 0) return;
      end = close + 1;
    }
    if (this.readsAsStatementOrExpression(start, end)) return;
    this.edits.push({ start, text: this.fitted(expansion.keywords, start, end) });
    this.blankStart = start;
    this.blankEnd = end;
  }

  /**
   * True where a macro expanding to nothing or to attributes is used as a
   * statement (`mi_assert(x);`) or inside an expression: the grammar already
   * reads that, and the call stays visible to the analysis.
   */
  private readsAsStatementOrExpression(start: number, end: number): boolean {
    const next = this.s[this.skipSpace(end)];
    let p = start - 1;
    for (;;) {
      while (p >= 0 && SPACE.test(this.s[p]!)) p--;
      // Blanks of the attribute macro before, and comments, read as spaces.
      if (p >= this.blankStart && p < this.blankEnd) {
        p = this.blankStart - 1;
        continue;
      }
      const comment = p >= 0 && (this.s[p] === '/' || WORD.test(this.s[p]!) || this.s[p] === '*') ? this.code.regionAt(p) : -1;
      if (comment >= 0 && (this.s.startsWith('//', comment) || this.s.startsWith('/*', comment))) p = comment - 1;
      else break;
    }
    const prev = p >= 0 ? this.s[p]! : undefined;
    let prevWord = '';
    if (prev !== undefined && WORD.test(prev)) {
      let q = p;
      while (q >= 0 && WORD.test(this.s[q]!)) q--;
      prevWord = this.s.slice(q + 1, p + 1);
    }
    if (next === ';') {
      if (prev === undefined || STATEMENT_BEFORE.has(prev) || prevWord === 'else' || prevWord === 'do') return true;
      if (prev === ')' && this.closesControlCondition(p)) return true;
    }
    if (prev !== undefined && EXPRESSION_BEFORE.has(prev)) return true;
    if (prevWord === 'return' || prevWord === 'case' || prevWord === 'sizeof') return true;
    if ((prev === '(' || prev === ',') && (next === ')' || next === ',')) return true;
    return false;
  }

  /** True when the `)` at `close` ends the condition of if/while/for/switch. */
  private closesControlCondition(close: number): boolean {
    let depth = 0;
    for (let i = close; i >= 0 && close - i < LONGEST_GROUP; i--) {
      const c = this.s[i];
      if (c === ')') depth++;
      else if (c === '(' && --depth === 0) {
        let q = i - 1;
        while (q >= 0 && SPACE.test(this.s[q]!)) q--;
        let w = q;
        while (w >= 0 && WORD.test(this.s[w]!)) w--;
        return CONTROL_WORDS.has(this.s.slice(w + 1, q + 1));
      }
    }
    return false;
  }

  /** `keywords` (most important first while they fit before the first line break), then blanks; newlines kept. */
  private fitted(keywords: readonly string[], start: number, end: number): string {
    const original = this.s.slice(start, end);
    if (keywords.length === 0 && !/[\r\n]/.test(original)) return ' '.repeat(original.length);
    const room = original.search(/[\r\n]/) < 0 ? original.length : original.search(/[\r\n]/);
    const chosen = new Set<string>();
    let used = -1;
    for (const k of [...keywords].sort((a, b) => KEPT_KEYWORDS.indexOf(a) - KEPT_KEYWORDS.indexOf(b))) {
      if (chosen.has(k) || used + 1 + k.length > room) continue;
      chosen.add(k);
      used += 1 + k.length;
    }
    const head = keywords
      .filter((k, i) => chosen.has(k) && keywords.indexOf(k) === i)
      .map((k) => GRAMMAR_SPELLING[k] ?? k)
      .join(' ');
    return head + original.slice(head.length).replace(/[^\r\n]/g, ' ');
  }

  /** Code outside comments and strings, on a line that is not a preprocessor directive. */
  private isCodeLine(index: number): boolean {
    if (!this.code.isCode(index)) return false;
    const lineStart = this.s.lastIndexOf('\n', index - 1) + 1;
    let i = lineStart;
    while (i < index && (this.s[i] === ' ' || this.s[i] === '\t')) i++;
    if (this.s[i] === '#') return false;
    // A continuation line of a multi-line #define.
    const prevEnd = lineStart - 2;
    return !(prevEnd >= 0 && (this.s[prevEnd] === '\\' || (this.s[prevEnd] === '\r' && this.s[prevEnd - 1] === '\\')));
  }

  private skipSpace(i: number): number {
    while (i < this.s.length && SPACE.test(this.s[i]!)) i++;
    return i;
  }

  /** The `)` matching the `(` at `open` (strings and character literals skipped), or -1. */
  private matchingClose(open: number): number {
    let depth = 0;
    for (let i = open; i < this.s.length && i - open < LONGEST_GROUP; i++) {
      const c = this.s[i];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return i;
      else if (c === '"' || c === "'") i = regionEnd(this.s, i, c) - 1;
      else if (c === ';' || c === '{' || c === '}') return -1;
    }
    return -1;
  }

  /** 0-based line of `index`; indices are asked in increasing order. */
  private lineOf(index: number): number {
    if (index < this.lineFrom) {
      this.line = 0;
      this.lineFrom = 0;
    }
    for (let i = this.s.indexOf('\n', this.lineFrom); i >= 0 && i < index; i = this.s.indexOf('\n', i + 1)) {
      this.line++;
      this.lineFrom = i + 1;
    }
    return this.line;
  }
}

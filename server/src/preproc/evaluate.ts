import { parseDefine } from './define';
import { expandText, isBuiltinDefined, newContext } from './expand';
import { evaluateCondition } from './expression';
import { scanHeader } from './headerCache';
import { MacroHistory } from './macroHistory';
import type { MacroTable } from './macroTable';
import { scanDirectives, type Directive, type ScanResult } from './scan';
import type { ConditionalRecord, IncludeRecord, MacroDef, PreprocOptions, PreprocProblem, PreprocResult } from './types';

const DEFAULT_MAX_INCLUDE_DEPTH = 16;
/** Headers entered per evaluation at most; stops exponential re-inclusion of unguarded headers. */
const MAX_HEADERS_ENTERED = 4000;

/** Directives that need no action here (when active) but are valid. */
const PASSIVE_DIRECTIVES = new Set(['pragma', 'line', 'ident', 'sccs', 'warning', 'assert', 'unassert', '']);

/** State shared by the file and every header it includes during one evaluation. */
interface Session {
  table: MacroTable;
  history: MacroHistory;
  problems: PreprocProblem[];
  includes: IncludeRecord[];
  conditionals: ConditionalRecord[];
  resolve: PreprocOptions['resolveInclude'];
  maxDepth: number;
  /** Files that said `#pragma once`. */
  onceFiles: Set<string>;
  headersEntered: number;
  /** Line of the evaluated file being processed (changes in headers are attributed to it). */
  topLine: number;
}

/** One open #if group. */
interface Frame {
  line: number;
  kind: string;
  parentActive: boolean;
  /** A branch of this group was already taken (later #elif/#else are false). */
  taken: boolean;
  sawElse: boolean;
  /** Index in conditionals of the current branch's record, or -1. */
  record: number;
}

/**
 * Decides, line by line, which lines are compiled with the given defines.
 * Works on directives only, so it does not care whether the C code between
 * them parses. Never throws.
 */
export function evaluatePreprocessor(text: string, options: PreprocOptions): PreprocResult {
  const initial = options.defines.clone();
  const table = initial.clone();
  const session: Session = {
    table,
    history: new MacroHistory(initial),
    problems: [],
    includes: [],
    conditionals: [],
    resolve: options.resolveInclude,
    maxDepth: options.maxIncludeDepth ?? DEFAULT_MAX_INCLUDE_DEPTH,
    onceFiles: new Set(),
    headersEntered: 0,
    topLine: 0,
  };
  let scan: ScanResult;
  try {
    scan = scanDirectives(text);
  } catch (e) {
    // Unreachable in practice (the scanner is total); keep the contract of never throwing.
    scan = { lineCount: 1, directives: [] };
    session.problems.push({ line: 0, message: `could not scan the file: ${String(e)}` });
  }
  const active = new Uint8Array(scan.lineCount);
  new FileEvaluation(session, scan, options.fileName, 0, active).run();
  const history = session.history;
  return {
    lineCount: scan.lineCount,
    active,
    inactiveRanges: inactiveRanges(active),
    includes: session.includes,
    macroAt: (name, line) => history.at(name, line),
    definitions: () => history.definitions(),
    finalMacros: session.table,
    problems: session.problems,
    conditionals: session.conditionals,
  };
}

class FileEvaluation {
  private readonly stack: Frame[] = [];
  /** Whether code at the current position is compiled. */
  private cur = true;
  private readonly top: boolean;

  constructor(
    private readonly s: Session,
    private readonly scan: ScanResult,
    private readonly fileName: string | undefined,
    private readonly depth: number,
    /** Per-line result, only for the evaluated file (headers need none). */
    private readonly active: Uint8Array | undefined,
  ) {
    this.top = active !== undefined;
  }

  run(): void {
    let filled = 0;
    for (const d of this.scan.directives) {
      if (this.top) this.s.topLine = d.line;
      const before = this.cur;
      let directiveActive = before;
      try {
        directiveActive = this.directive(d);
      } catch (e) {
        this.problem(d.line, `internal error while evaluating #${d.name}: ${String(e)}`);
      }
      if (this.active) {
        this.active.fill(before ? 1 : 0, filled, d.line);
        this.active.fill(directiveActive ? 1 : 0, d.line, d.endLine + 1);
        filled = d.endLine + 1;
      }
    }
    if (this.active) this.active.fill(this.cur ? 1 : 0, filled);
    const last = this.scan.lineCount - 1;
    while (this.stack.length > 0) {
      const f = this.stack.pop()!;
      this.problem(f.line, `unterminated #${f.kind}`);
      this.closeBranch(f, last);
    }
  }

  /** Applies one directive; returns whether its own line counts as active. */
  private directive(d: Directive): boolean {
    switch (d.name) {
      case 'if':
      case 'ifdef':
      case 'ifndef':
        return this.open(d);
      case 'elif':
      case 'elifdef':
      case 'elifndef':
        return this.elif(d);
      case 'else':
        return this.else(d);
      case 'endif':
        return this.endif(d);
    }
    if (!this.cur) return false;
    switch (d.name) {
      case 'define':
        this.define(d);
        break;
      case 'undef':
        this.undef(d);
        break;
      case 'include':
      case 'include_next':
      case 'import':
        this.include(d);
        break;
      case 'error':
        this.problem(d.line, `#error ${d.rest}`.trim());
        break;
      case 'pragma':
        if (d.rest === 'once' && this.fileName !== undefined) this.s.onceFiles.add(this.fileName);
        break;
      default:
        if (!PASSIVE_DIRECTIVES.has(d.name) && !/^[0-9]+$/.test(d.name)) {
          this.problem(d.line, `invalid preprocessing directive #${d.name}`);
        }
    }
    return true;
  }

  private open(d: Directive): boolean {
    const parentActive = this.cur;
    let value = false;
    let record = -1;
    if (parentActive) {
      value = this.condition(d);
      record = this.record(d, value);
    }
    this.stack.push({ line: d.line, kind: d.name, parentActive, taken: value, sawElse: false, record });
    this.cur = parentActive && value;
    return parentActive;
  }

  private elif(d: Directive): boolean {
    const f = this.stack[this.stack.length - 1];
    if (!f) {
      this.problem(d.line, `#${d.name} without #if`);
      return this.cur;
    }
    this.closeBranch(f, d.line);
    if (f.sawElse) this.problem(d.line, `#${d.name} after #else`);
    let value = false;
    if (f.parentActive && !f.taken && !f.sawElse) {
      value = this.condition(d);
      f.taken = value;
    }
    // Conditions after a taken branch are not evaluated (C23 6.10.1p9), but are recorded as not taken.
    f.record = f.parentActive ? this.record(d, value) : -1;
    this.cur = value;
    return f.parentActive;
  }

  private else(d: Directive): boolean {
    const f = this.stack[this.stack.length - 1];
    if (!f) {
      this.problem(d.line, '#else without #if');
      return this.cur;
    }
    if (d.rest) this.problem(d.line, 'extra tokens at end of #else directive');
    this.closeBranch(f, d.line);
    if (f.sawElse) this.problem(d.line, '#else after #else');
    const value = f.parentActive && !f.taken && !f.sawElse;
    f.sawElse = true;
    f.taken = true;
    f.record = f.parentActive ? this.record(d, value) : -1;
    this.cur = value;
    return f.parentActive;
  }

  private endif(d: Directive): boolean {
    const f = this.stack.pop();
    if (!f) {
      this.problem(d.line, '#endif without #if');
      return this.cur;
    }
    if (d.rest) this.problem(d.line, 'extra tokens at end of #endif directive');
    this.closeBranch(f, d.line);
    this.cur = f.parentActive;
    return f.parentActive;
  }

  private closeBranch(f: Frame, line: number): void {
    if (f.record >= 0) this.s.conditionals[f.record]!.endLine = line;
    f.record = -1;
  }

  private record(d: Directive, value: boolean): number {
    if (!this.top) return -1;
    this.s.conditionals.push({ line: d.line, kind: d.name, condition: d.rest, value, endLine: d.line });
    return this.s.conditionals.length - 1;
  }

  /** Value of the condition of #if/#ifdef/#ifndef/#elif/#elifdef/#elifndef; a bad one is a problem and false. */
  private condition(d: Directive): boolean {
    const lookup = this.lookup;
    if (d.name === 'if' || d.name === 'elif') {
      const r = evaluateCondition(d.rest, lookup, { hasInclude: (name, system) => this.resolve(name, system) !== undefined });
      if ('error' in r) {
        this.problem(d.line, `#${d.name}: ${r.error}`);
        return false;
      }
      return r.value !== 0n;
    }
    const m = /^([A-Za-z_$][\w$]*)\s*(.*)$/.exec(d.rest);
    if (!m) {
      this.problem(d.line, `no macro name given in #${d.name} directive`);
      return false;
    }
    if (m[2]) this.problem(d.line, `extra tokens at end of #${d.name} directive`);
    const defined = lookup(m[1]!) !== undefined || isBuiltinDefined(m[1]!);
    return d.name.endsWith('ndef') ? !defined : defined;
  }

  private readonly lookup = (name: string): MacroDef | undefined => this.s.table.get(name);

  private define(d: Directive): void {
    const def = parsedDefine(d, this.fileName);
    if ('error' in def) {
      this.problem(d.line, def.error);
      return;
    }
    this.s.table.define(def);
    this.s.history.record(this.s.topLine, def.name, def);
  }

  private undef(d: Directive): void {
    const m = /^([A-Za-z_$][\w$]*)\s*(.*)$/.exec(d.rest);
    if (!m) {
      this.problem(d.line, 'no macro name given in #undef directive');
      return;
    }
    if (m[2]) this.problem(d.line, 'extra tokens at end of #undef directive');
    if (!this.s.table.has(m[1]!)) return;
    this.s.table.undef(m[1]!);
    this.s.history.record(this.s.topLine, m[1]!, undefined);
  }

  private include(d: Directive): void {
    const operand = includeOperand(d.rest, this.lookup);
    if ('error' in operand) {
      this.problem(d.line, `#${d.name} ${operand.error}`);
      return;
    }
    const found = this.resolve(operand.name, operand.system);
    if (this.top) {
      const rec: IncludeRecord = { line: d.line, name: operand.name, system: operand.system };
      if (found) rec.resolved = found.path;
      this.s.includes.push(rec);
    }
    if (found) this.enter(found.path, found.text, d.line);
  }

  private resolve(name: string, system: boolean): { path: string; text: string } | undefined {
    if (!this.s.resolve) return undefined;
    try {
      return this.s.resolve(name, system, this.fileName) ?? undefined;
    } catch (e) {
      this.problem(this.s.topLine, `include resolver failed for "${name}": ${String(e)}`);
      return undefined;
    }
  }

  /** Evaluates an included header with the current macros; its definitions stay in the table. */
  private enter(path: string, text: string, line: number): void {
    if (this.s.onceFiles.has(path)) return;
    const scan = scanHeader(path, typeof text === 'string' ? text : '');
    if (scan.guard !== undefined && this.s.table.has(scan.guard)) return;
    if (this.depth + 1 > this.s.maxDepth) {
      this.sessionProblem(line, `#include nested more than ${this.s.maxDepth} levels deep (at ${path})`);
      return;
    }
    if (++this.s.headersEntered > MAX_HEADERS_ENTERED) {
      if (this.s.headersEntered === MAX_HEADERS_ENTERED + 1) {
        this.sessionProblem(line, `more than ${MAX_HEADERS_ENTERED} headers entered; further #include directives are ignored`);
      }
      return;
    }
    new FileEvaluation(this.s, scan, path, this.depth + 1, undefined).run();
  }

  /** Problems are reported for the evaluated file only; a header's own problems show when it is opened. */
  private problem(line: number, message: string): void {
    if (this.top) this.s.problems.push({ line, message });
  }

  /** A limit hit while including: reported at the evaluated file's current #include line. */
  private sessionProblem(line: number, message: string): void {
    this.s.problems.push({ line: this.top ? line : this.s.topLine, message });
  }
}

/**
 * A header's scan is shared by every file that includes it (headerCache), so
 * its #define directives are parsed once: every includer then holds the same
 * definition objects, and what is derived from a definition (attribute and hint
 * macros, syntax-view rewrites) is computed once per definition, not once per
 * inclusion. A directive belongs to one file's scan, so the file name is fixed.
 */
const definesParsed = new WeakMap<Directive, MacroDef | { error: string }>();

function parsedDefine(d: Directive, fileName: string | undefined): MacroDef | { error: string } {
  let def = definesParsed.get(d);
  if (def === undefined) definesParsed.set(d, (def = parseDefine(d.rest, fileName, d.line)));
  return def;
}

/** `"name"`, `<name>`, or macros expanding to one of them. */
function includeOperand(
  rest: string,
  lookup: (name: string) => MacroDef | undefined,
): { name: string; system: boolean } | { error: string } {
  let text = rest.trim();
  for (let attempt = 0; attempt < 2; attempt++) {
    if (text.startsWith('"')) {
      const close = text.indexOf('"', 1);
      if (close > 1) return { name: text.slice(1, close), system: false };
    } else if (text.startsWith('<')) {
      const close = text.indexOf('>', 1);
      if (close > 1) return { name: text.slice(1, close), system: true };
    }
    if (attempt === 0 && /^[A-Za-z_]/.test(text)) {
      try {
        text = expandText(text, newContext(lookup)).trim();
        // Expansion of <a/b.h> spells tokens with spaces; a header name has none.
        if (text.startsWith('<')) text = text.replace(/\s+/g, '');
      } catch {
        break;
      }
    } else break;
  }
  return { error: 'expects "FILENAME" or <FILENAME>' };
}

/** Maximal runs of zeros in the per-line table. */
function inactiveRanges(active: Uint8Array): Array<{ startLine: number; endLine: number }> {
  const ranges: Array<{ startLine: number; endLine: number }> = [];
  let i = active.indexOf(0);
  while (i >= 0) {
    let j = active.indexOf(1, i);
    if (j < 0) j = active.length;
    ranges.push({ startLine: i, endLine: j - 1 });
    i = j < active.length ? active.indexOf(0, j) : -1;
  }
  return ranges;
}

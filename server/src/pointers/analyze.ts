import { basename } from 'node:path';
import { BUILTIN_EXPECTS, BUILTIN_RETURNS } from './builtins';
import { FunctionEvaluator, type EvalResult, type Occurrence } from './evaluate';
import { isKind, other, type Val } from './lattice';
import { paramState, type SummaryState, type Why } from './summary';
import type {
  FunctionSummary,
  PointerConfig,
  PointerPrototype,
  PointerFileFacts,
  PointerFinding,
  PointerFunction,
  PointerHint,
  PointerKind,
  PointerModel,
  PointerRelated,
  Span,
} from './types';

/** Rounds of summary inference at most; real call graphs settle in two or three. */
const MAX_ROUNDS = 8;

interface Defined {
  readonly file: PointerFileFacts;
  readonly fn: PointerFunction;
  readonly summary: SummaryState;
}

function shift(span: Span, line: number): Span {
  return { line: span.line + line, column: span.column, endLine: span.endLine + line, endColumn: span.endColumn };
}

function at(path: string, span: Span): string {
  return `${basename(path)}:${span.line + 1}`;
}

/** Summaries for every function the workspace defines or the configuration names. */
class SummaryTable {
  readonly byKey = new Map<string, SummaryState>();
  readonly defined: Defined[] = [];
  private readonly statics = new Map<string, Map<string, SummaryState>>();
  /** Static functions by name: a `static inline` in a header is seen by every file including it. */
  private readonly anyStatic = new Map<string, SummaryState>();

  constructor(
    files: readonly PointerFileFacts[],
    private readonly config: PointerConfig,
  ) {
    for (const file of files) {
      for (const fn of file.functions) {
        const key = fn.isStatic ? `${file.path}::${fn.name}` : fn.name;
        if (this.byKey.has(key)) continue; // a second definition (another build variant): the first one speaks
        const summary: SummaryState = {
          key,
          name: fn.name,
          path: file.path,
          nameSpan: fn.nameSpan,
          params: fn.ir.params.map((p) => ({ name: p.name, at: shift(p.at, fn.line) })),
        };
        this.byKey.set(key, summary);
        if (fn.isStatic) {
          let local = this.statics.get(file.path);
          if (!local) this.statics.set(file.path, (local = new Map()));
          local.set(fn.name, summary);
          if (!this.anyStatic.has(fn.name)) this.anyStatic.set(fn.name, summary);
        }
        this.defined.push({ file, fn, summary });
      }
    }
    for (const file of files) {
      for (const proto of file.prototypes) {
        if (this.byKey.has(proto.name) || this.anyStatic.has(proto.name)) continue;
        this.byKey.set(proto.name, { key: proto.name, name: proto.name, params: proto.params.map((p) => ({ name: p.name })) });
        this.prototypes.set(proto.name, proto);
      }
    }
    this.applyFixed(files);
  }

  private readonly prototypes = new Map<string, PointerPrototype>();

  /** The summary a call to `name` from `path` reaches (a static in the same file first). */
  resolve(path: string, name: string): SummaryState | undefined {
    return this.statics.get(path)?.get(name) ?? this.byKey.get(name) ?? this.anyStatic.get(name);
  }

  private external(name: string): SummaryState {
    let s = this.byKey.get(name);
    if (!s) {
      s = { key: name, name, params: [] };
      this.byKey.set(name, s);
    }
    return s;
  }

  /** Every summary named `name` (a global and statics of that name). */
  private named(name: string): SummaryState[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const s of this.byKey.values()) {
        const list = this.byName.get(s.name);
        if (list) list.push(s);
        else this.byName.set(s.name, [s]);
      }
    }
    let out = this.byName.get(name);
    if (!out) this.byName.set(name, (out = [this.external(name)]));
    return out;
  }

  private byName: Map<string, SummaryState[]> | undefined;

  private setExpects(s: SummaryState, index: number, kind: PointerKind, why: Why): void {
    const p = paramState(s, index);
    p.expects = kind;
    p.expectsFixed = true;
    p.expectsWhy = p.at && s.path && !why.span ? { ...why, path: s.path, span: p.at } : why;
  }

  private setReturns(s: SummaryState, kind: PointerKind, why: Why): void {
    s.returns = kind;
    s.returnsFixed = true;
    s.returnsWhy = s.nameSpan && s.path && !why.span ? { ...why, path: s.path, span: s.nameSpan } : why;
  }

  /** Config, annotations, typed declarations and built-ins, weakest first so stronger sources overwrite. */
  private applyFixed(files: readonly PointerFileFacts[]): void {
    const config = this.config;
    if (config.builtins) {
      for (const [name, kind] of Object.entries(BUILTIN_RETURNS))
        for (const s of this.named(name)) this.setReturns(s, kind, { text: `built-in: ${name}() returns ${kind}` });
      for (const [name, params] of Object.entries(BUILTIN_EXPECTS)) {
        for (const s of this.named(name))
          for (const [i, kind] of Object.entries(params))
            this.setExpects(s, Number(i), kind, { text: `built-in: ${name}() takes ${kind}` });
      }
    }
    for (const d of this.defined) {
      d.fn.ir.params.forEach((p, i) => {
        const kind = p.type.stars === 0 ? config.types[p.type.name] : undefined;
        if (kind) this.setExpects(d.summary, i, kind, { text: `declared ${p.type.name}` });
      });
      const rt = d.fn.ir.returnType;
      const rkind = rt.stars === 0 ? config.types[rt.name] : undefined;
      if (rkind) this.setReturns(d.summary, rkind, { text: `declared ${rt.name}` });
    }
    for (const proto of this.prototypes.values()) {
      const s = this.byKey.get(proto.name)!;
      proto.params.forEach((p, i) => {
        const kind = p.type.stars === 0 ? config.types[p.type.name] : undefined;
        if (kind) this.setExpects(s, i, kind, { text: `declared ${p.type.name}` });
      });
      const rkind = proto.returnType.stars === 0 ? config.types[proto.returnType.name] : undefined;
      if (rkind) this.setReturns(s, rkind, { text: `declared ${proto.returnType.name}` });
    }
    for (const file of files) {
      for (const a of file.annotations) {
        const why: Why = { text: `hakmem:${a.kind.toLowerCase()} annotation at ${at(file.path, a.span)}`, path: file.path, span: a.span };
        for (const s of this.named(a.fn)) {
          if (a.param === undefined) this.setReturns(s, a.kind, why);
          else this.setExpects(s, a.param, a.kind, why);
        }
      }
    }
    for (const [name, kind] of [...config.toUser.map((n) => [n, 'USER'] as const), ...config.toBase.map((n) => [n, 'BASE'] as const)]) {
      for (const s of this.named(name)) {
        this.setExpects(s, 0, other(kind), {
          text: `converts ${other(kind)}→${kind} (.hakmem.json pointers.${kind === 'USER' ? 'toUser' : 'toBase'})`,
        });
        this.setReturns(s, kind, { text: `.hakmem.json pointers.${kind === 'USER' ? 'toUser' : 'toBase'}` });
        s.converts = { param: 0, to: kind };
      }
    }
    for (const [name, params] of Object.entries(config.expects)) {
      for (const s of this.named(name)) {
        for (const [param, kind] of Object.entries(params)) {
          const index = /^\d+$/.test(param) ? Number(param) : s.params.findIndex((p) => p.name === param);
          if (index >= 0) this.setExpects(s, index, kind, { text: `.hakmem.json pointers.expects.${name}` });
        }
      }
    }
    for (const [name, kind] of Object.entries(config.returns))
      for (const s of this.named(name)) this.setReturns(s, kind, { text: `.hakmem.json pointers.returns.${name}` });
    for (const name of config.linkApi) for (const s of this.named(name)) s.linkApi = true;
  }

  /** Everything inference may change in each defined function's summary, to find what changed in a round. */
  stamps(): Map<string, string> {
    const out = new Map<string, string>();
    for (const { summary: s } of this.defined) {
      out.set(
        s.key,
        `${s.params.map((p) => `${p.expects ?? '-'}${p.entry ?? '-'}`).join(',')}>${s.returns ?? '-'}${s.converts ? `c${s.converts.param}${s.converts.to}` : ''}`,
      );
    }
    return out;
  }

  /** Keys of the summaries a function's calls reach (through macro aliases too). */
  calleeKeys(d: Defined): Set<string> {
    const out = new Set<string>();
    for (const callee of d.fn.ir.callees) {
      const meaning = d.file.macros[callee];
      const name = meaning?.k === 'alias' ? meaning.target : callee;
      const key = this.resolve(d.file.path, name)?.key;
      if (key) out.add(key);
    }
    return out;
  }
}

/** Updates inferred summaries from one round's observations. */
function infer(results: ReadonlyMap<Defined, EvalResult>): void {
  const sites = new Map<string, Array<{ val: Val; at: Span; path: string }>>();
  for (const [d, r] of results) {
    const s = d.summary;
    // A parameter converted on entry expects the conversion's source kind.
    r.obs.paramConversions.forEach((conv, i) => {
      const p = paramState(s, i);
      if (p.expectsFixed) return;
      p.expects = other(conv.to);
      p.expectsWhy = {
        text: `${s.name} converts it ${other(conv.to)}→${conv.to} with ${conv.what} at ${at(d.file.path, conv.at)}`,
        path: d.file.path,
        span: conv.at,
      };
    });
    for (const p of s.params) {
      if (!p.expectsFixed && p.expects && ![...r.obs.paramConversions.keys()].some((i) => s.params[i] === p)) {
        delete p.expects;
        delete p.expectsWhy;
      }
    }
    if (!s.returnsFixed) {
      const kinds = new Set(r.obs.returns.map((v) => v.s));
      const only = kinds.size === 1 ? [...kinds][0]! : undefined;
      if (only && isKind(only)) {
        const first = r.obs.returns[0]!;
        s.returns = only;
        s.returnsWhy = {
          text: `every return is ${only}${first.origin ? `, e.g. ${first.origin.what}` : ''}`,
          ...(first.origin ? { path: first.origin.path, span: first.origin.span } : {}),
        };
        const convs = r.obs.returns.map((v) => v.conv);
        const c0 = convs[0];
        if (c0 && convs.every((c) => c && c.param === c0.param && c.to === c0.to)) s.converts = { param: c0.param, to: c0.to };
        else delete s.converts;
      } else {
        delete s.returns;
        delete s.returnsWhy;
        delete s.converts;
      }
    }
    for (const site of r.obs.callsites) {
      const k = `${site.key}#${site.index}`;
      let list = sites.get(k);
      if (!list) sites.set(k, (list = []));
      list.push({ val: site.val, at: site.at, path: d.file.path });
    }
  }
  // A parameter that receives the same kind at every call site holds that kind.
  for (const d of results.keys()) {
    const s = d.summary;
    s.params.forEach((p, i) => {
      const list = (sites.get(`${s.key}#${i}`) ?? []).filter((x) => x.val.s !== 'BOT');
      const kinds = new Set(list.map((x) => x.val.s));
      const only = kinds.size === 1 ? [...kinds][0]! : undefined;
      if (list.length > 0 && only && isKind(only)) {
        const first = list[0]!;
        const related: PointerRelated[] = list
          .slice(0, 3)
          .map((x) => ({ path: x.path, span: x.at, message: `${only} passed to ${s.name}() here` }));
        p.entry = only;
        p.entryWhy = { text: `${only} at every call site, e.g. ${at(first.path, first.at)}`, path: first.path, span: first.at, related };
      } else {
        delete p.entry;
        delete p.entryWhy;
      }
    });
  }
}

/** Workspace-level fixed point over every file's facts. */
export function analyzePointers(files: readonly PointerFileFacts[], config: PointerConfig): PointerModel {
  const table = new SummaryTable(files, config);
  const results = new Map<Defined, EvalResult>();
  const evaluate = (d: Defined): void => {
    try {
      const evaluator = new FunctionEvaluator({
        config,
        file: d.file,
        fn: d.fn,
        self: d.summary,
        summaryOf: (callee) => table.resolve(d.file.path, callee),
      });
      results.set(d, evaluator.run());
    } catch {
      // A body the evaluator cannot follow contributes nothing rather than failing the workspace.
      results.delete(d);
    }
  };
  for (const d of table.defined) evaluate(d);
  const callees = new Map(table.defined.map((d) => [d, table.calleeKeys(d)]));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = table.stamps();
    infer(results);
    const after = table.stamps();
    const changed = new Set([...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k));
    if (changed.size === 0) break;
    // Only functions whose own summary or a callee's changed can evaluate differently.
    for (const d of table.defined) {
      if (changed.has(d.summary.key) || [...callees.get(d)!].some((k) => changed.has(k))) evaluate(d);
    }
  }
  return buildModel(table, results);
}

function contains(span: Span, line: number, character: number): boolean {
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && character < span.column) return false;
  if (line === span.endLine && character > span.endColumn) return false;
  return true;
}

function buildModel(table: SummaryTable, results: ReadonlyMap<Defined, EvalResult>): PointerModel {
  const findings = new Map<string, PointerFinding[]>();
  const hints = new Map<string, PointerHint[]>();
  const occurrences = new Map<string, Occurrence[]>();
  for (const [d, r] of results) {
    const path = d.file.path;
    const list = findings.get(path) ?? [];
    list.push(...r.findings);
    findings.set(path, list);
    const h = hints.get(path) ?? [];
    for (const v of r.declared) if (isKind(v.val.s)) h.push({ line: v.at.line, character: v.at.endColumn, kind: v.val.s, name: v.name });
    hints.set(path, h);
    const o = occurrences.get(path) ?? [];
    o.push(...r.occurrences);
    d.fn.ir.params.forEach((p, i) => {
      const s = d.summary.params[i];
      const kind = s?.expects ?? s?.entry;
      if (p.name && kind) {
        const why = s?.expects ? s.expectsWhy : s?.entryWhy;
        o.push({
          span: shift(p.at, d.fn.line),
          name: p.name,
          kind,
          origin: { path, span: shift(p.at, d.fn.line), what: `parameter ${p.name} of ${d.fn.name}${why ? ` (${why.text})` : ''}` },
        });
      }
    });
    occurrences.set(path, o);
  }
  const sortBySpan = <T extends { span: Span }>(a: T, b: T): number => a.span.line - b.span.line || a.span.column - b.span.column;
  for (const list of findings.values()) list.sort(sortBySpan);
  return {
    findings: (path) => [...(findings.get(path) ?? [])],
    hints: (path) => [...(hints.get(path) ?? [])].sort((a, b) => a.line - b.line || a.character - b.character),
    hover: (path, line, character) => {
      const o = (occurrences.get(path) ?? []).find((x) => contains(x.span, line, character));
      if (!o) return undefined;
      const from = o.origin ? ` — from ${o.origin.what} at ${at(o.origin.path, o.origin.span)}` : '';
      return `**${o.name}**: ${o.kind} pointer${from}`;
    },
    summaries: () => {
      const out = new Map<string, FunctionSummary>();
      for (const s of table.byKey.values()) {
        const params = s.params.map((p) => p.expects ?? p.entry);
        if (!s.returns && !params.some((p) => p)) continue;
        const name = out.has(s.name) ? `${s.name} (${s.path ? basename(s.path) : 'external'})` : s.name;
        out.set(name, { params, ...(s.returns ? { returns: s.returns } : {}) });
      }
      return out;
    },
  };
}

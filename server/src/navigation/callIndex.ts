import type { CallFact, Span } from '../facts/types';
import type { Definition, HotPathModel } from '../hotpath/graph';

/** One place a function (or a macro) is called, at the name written there. */
export interface CallSite {
  /** The file of the call. */
  readonly path: string;
  /** The function the call is in. */
  readonly caller: Definition;
  /** The name written at the call: a function, or a function-like (or statement) macro. */
  readonly callee: string;
  readonly viaMacro: boolean;
  /** The name at the call site (what an editor highlights), one line. */
  readonly span: Span;
}

/** What a call reaches: a function defined in the workspace, or one defined elsewhere (libc, the OS). */
export type Callee =
  | { readonly kind: 'defined'; readonly definition: Definition }
  | { readonly kind: 'external'; readonly name: string; readonly firstSite: CallSite };

export interface IncomingCall {
  readonly caller: Definition;
  /** The calls, in the caller, in source order. */
  readonly sites: readonly CallSite[];
}

export interface OutgoingCall {
  readonly callee: Callee;
  /** The calls reaching it, in the caller, in source order. */
  readonly sites: readonly CallSite[];
}

/** Compiler intrinsics reached through hint macros (`__builtin_expect` behind `likely`) are not calls a reader follows. */
const INTRINSIC = /^__builtin_/;

/** The name of a call as written, on the call's first line. */
function calleeSpan(call: CallFact): Span {
  const { line, column } = call.span;
  return { line, column, endLine: line, endColumn: column + call.callee.length };
}

function bySource(a: { path: string; span: Span }, b: { path: string; span: Span }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.line - b.span.line || a.span.column - b.span.column;
}

/**
 * The workspace call graph indexed both ways, from one hot-path model's
 * definitions (every function the build compiles, with its calls, those through
 * macros and inside ERROR nodes included). Functions are matched by name, as the
 * hot path matches them; among several definitions of one name, a call resolves
 * to the one in its own file, else to the non-static ones.
 */
export class CallIndex {
  /** Function name → calls that reach it (directly or through a macro); made on the first question that needs it. */
  private sites: { readonly byTarget: Map<string, CallSite[]>; readonly byMacro: Map<string, CallSite[]> } | undefined;

  constructor(readonly definitions: ReadonlyMap<string, readonly Definition[]>) {}

  /** Every call site by what it reaches and by the macro it goes through (a definition alone needs neither). */
  private get calls(): { readonly byTarget: Map<string, CallSite[]>; readonly byMacro: Map<string, CallSite[]> } {
    if (this.sites) return this.sites;
    const byTarget = new Map<string, CallSite[]>();
    const byMacro = new Map<string, CallSite[]>();
    for (const defs of this.definitions.values()) {
      for (const caller of defs) {
        for (const call of caller.fn.calls) {
          const site: CallSite = { path: caller.path, caller, callee: call.callee, viaMacro: call.viaMacro, span: calleeSpan(call) };
          if (call.viaMacro) push(byMacro, call.callee, site);
          for (const target of new Set(call.targets)) if (!INTRINSIC.test(target)) push(byTarget, target, site);
        }
      }
    }
    this.sites = { byTarget, byMacro };
    return this.sites;
  }

  /** True when the workspace defines, or calls, a function of this name. */
  knowsFunction(name: string): boolean {
    return this.definitions.has(name) || this.calls.byTarget.has(name);
  }

  /** True when some function calls a macro of this name. */
  knowsMacroCall(name: string): boolean {
    return this.calls.byMacro.has(name);
  }

  /** The definitions a use of `name` in `fromPath` means: its own file's (a static function), else the non-static ones. */
  resolve(name: string, fromPath: string): readonly Definition[] {
    const defs = this.definitions.get(name) ?? [];
    if (defs.length <= 1) return defs;
    const local = defs.filter((d) => d.path === fromPath);
    if (local.length > 0) return local;
    const visible = defs.filter((d) => !d.fn.isStatic);
    return visible.length > 0 ? visible : defs;
  }

  /**
   * Calls of the function `name` means at `definitions` (from resolve); with
   * none (a function defined outside the workspace), every call of that name.
   */
  callsOf(name: string, definitions: readonly Definition[]): CallSite[] {
    const sites = this.calls.byTarget.get(name) ?? [];
    const wanted = new Set(definitions);
    const matches = (site: CallSite): boolean =>
      wanted.size === 0 ? !this.definitions.has(name) : this.resolve(name, site.path).some((d) => wanted.has(d));
    return sites.filter(matches).sort(bySource);
  }

  /** Every call of the macro `name`. */
  macroCalls(name: string): CallSite[] {
    return [...(this.calls.byMacro.get(name) ?? [])].sort(bySource);
  }

  /** Who calls the function at `definition` (or the external function `name`), grouped by calling function. */
  incoming(name: string, definition: Definition | undefined): IncomingCall[] {
    const groups = new Map<Definition, CallSite[]>();
    for (const site of this.callsOf(name, definition ? [definition] : [])) push(groups, site.caller, site);
    return [...groups]
      .map(([caller, sites]) => ({ caller, sites }))
      .sort((a, b) => bySource({ path: a.caller.path, span: a.caller.fn.nameSpan }, { path: b.caller.path, span: b.caller.fn.nameSpan }));
  }

  /** What the function at `definition` calls, grouped by callee, in the order of the first call of each. */
  outgoing(definition: Definition): OutgoingCall[] {
    const groups = new Map<Definition | string, { callee: Callee; sites: CallSite[] }>();
    // Calls found in ERROR nodes come last in the facts: the hierarchy lists callees in source order.
    const calls = [...definition.fn.calls].sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
    for (const call of calls) {
      const site: CallSite = {
        path: definition.path,
        caller: definition,
        callee: call.callee,
        viaMacro: call.viaMacro,
        span: calleeSpan(call),
      };
      for (const target of new Set(call.targets)) {
        if (INTRINSIC.test(target)) continue;
        const resolved = this.resolve(target, definition.path);
        if (resolved.length === 0) {
          const group = groups.get(target) ?? { callee: { kind: 'external', name: target, firstSite: site }, sites: [] };
          groups.set(target, group);
          group.sites.push(site);
        }
        for (const def of resolved) {
          const group = groups.get(def) ?? { callee: { kind: 'defined', definition: def }, sites: [] };
          groups.set(def, group);
          group.sites.push(site);
        }
      }
    }
    return [...groups.values()];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** One index per hot-path model: the workspace makes a new model whenever its facts change. */
const indexes = new WeakMap<HotPathModel, CallIndex>();

export function callIndexOf(model: HotPathModel): CallIndex {
  let index = indexes.get(model);
  if (!index) indexes.set(model, (index = new CallIndex(model.definitions)));
  return index;
}

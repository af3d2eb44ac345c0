// Code navigation over the workspace index: go to definition, find references
// and the call hierarchy, answered from the facts the analysis already holds
// (so without clangd, a compilation database or a build).
import type { Span } from '../facts/types';
import type { Definition } from '../hotpath/graph';
import { callIndexOf, type CallIndex, type CallSite, type Callee } from './callIndex';
import { macroDefinitions, symbolAt, type IndexedWorkspace, type SourceRange, type SymbolAt } from './symbols';

export type { IndexedWorkspace, SourceRange, SymbolAt } from './symbols';
export type { CallSite } from './callIndex';

/** What identifies a call-hierarchy item between requests (an editor hands it back as is). */
export interface ItemRef {
  readonly name: string;
  /** The definition's file and line; absent for a function defined outside the workspace. */
  readonly path?: string;
  readonly line?: number;
}

/** A function in the call hierarchy. */
export interface HierarchyItem {
  readonly name: string;
  /** Its definition (for an external function: the call it was reached from). */
  readonly path: string;
  /** The whole definition, and its name within it. */
  readonly span: Span;
  readonly selectionSpan: Span;
  /** Defined outside the workspace (libc, the OS): known only from its calls. */
  readonly external: boolean;
  readonly isStatic: boolean;
  readonly ref: ItemRef;
}

export interface HierarchyCall {
  readonly item: HierarchyItem;
  /** The calls, in the calling function, at the names written (a macro's name for a call through it). */
  readonly ranges: readonly Span[];
  /** Names of the macros some of these calls go through. */
  readonly macros: readonly string[];
}

function definedItem(def: Definition): HierarchyItem {
  return {
    name: def.fn.name,
    path: def.path,
    span: def.fn.span,
    selectionSpan: def.fn.nameSpan,
    external: false,
    isStatic: def.fn.isStatic,
    ref: { name: def.fn.name, path: def.path, line: def.fn.nameSpan.line },
  };
}

function externalItem(name: string, at: SourceRange): HierarchyItem {
  return { name, path: at.path, span: at.span, selectionSpan: at.span, external: true, isStatic: false, ref: { name } };
}

function calleeItem(callee: Callee): HierarchyItem {
  return callee.kind === 'defined' ? definedItem(callee.definition) : externalItem(callee.name, callee.firstSite);
}

function macrosOf(sites: readonly CallSite[]): string[] {
  return [...new Set(sites.filter((s) => s.viaMacro).map((s) => s.callee))];
}

function definitionOf(index: CallIndex, ref: ItemRef): Definition | undefined {
  if (ref.path === undefined) return undefined;
  const defs = index.definitions.get(ref.name) ?? [];
  return defs.find((d) => d.path === ref.path && d.fn.nameSpan.line === ref.line) ?? defs.find((d) => d.path === ref.path) ?? defs[0];
}

function nameRange(def: Definition): SourceRange {
  return { path: def.path, span: def.fn.nameSpan };
}

/** Navigation over one analysed workspace; every answer reads the workspace's current model. */
export class Navigator {
  constructor(private readonly ws: IndexedWorkspace) {}

  private index(): CallIndex {
    return callIndexOf(this.ws.model());
  }

  symbolAt(path: string, line: number, character: number): SymbolAt | undefined {
    return symbolAt(this.ws, this.index(), path, line, character);
  }

  /** Where the function (or macro) at the position is defined: empty when the workspace does not define it. */
  definitions(path: string, line: number, character: number): SourceRange[] {
    const symbol = this.symbolAt(path, line, character);
    if (!symbol) return [];
    const index = this.index();
    if (symbol.kind === 'function') return index.resolve(symbol.name, path).map(nameRange);
    const defines = macroDefinitions(this.ws, symbol.name);
    if (defines.length > 0) return defines;
    // A macro given on the command line (or in .hakmem.json): the functions it calls.
    return (symbol.targets ?? []).flatMap((t) => index.resolve(t, path).map(nameRange));
  }

  /** Every call of the function (or macro) at the position, and its definitions when asked. */
  references(path: string, line: number, character: number, includeDeclaration: boolean): SourceRange[] {
    const symbol = this.symbolAt(path, line, character);
    if (!symbol) return [];
    const index = this.index();
    if (symbol.kind === 'macro') {
      const calls = index.macroCalls(symbol.name).map((s) => ({ path: s.path, span: s.span }));
      return includeDeclaration ? [...macroDefinitions(this.ws, symbol.name), ...calls] : calls;
    }
    const defs = index.resolve(symbol.name, path);
    const calls = index.callsOf(symbol.name, defs).map((s) => ({ path: s.path, span: s.span }));
    return includeDeclaration ? [...defs.map(nameRange), ...calls] : calls;
  }

  /** The call-hierarchy items at the position: the function, or the functions a macro call reaches. */
  prepare(path: string, line: number, character: number): HierarchyItem[] {
    const symbol = this.symbolAt(path, line, character);
    if (!symbol) return [];
    const index = this.index();
    const names = symbol.kind === 'function' ? [symbol.name] : (symbol.targets ?? []).filter((t) => !t.startsWith('__builtin_'));
    return names.flatMap((name) => {
      const defs = index.resolve(name, path);
      return defs.length > 0 ? defs.map(definedItem) : [externalItem(name, { path, span: symbol.span })];
    });
  }

  /** The functions calling `ref`, each with its calls of it. */
  incoming(ref: ItemRef): HierarchyCall[] {
    const index = this.index();
    const def = definitionOf(index, ref);
    if (ref.path !== undefined && !def) return [];
    return index.incoming(ref.name, def).map((c) => ({
      item: definedItem(c.caller),
      ranges: c.sites.map((s) => s.span),
      macros: macrosOf(c.sites),
    }));
  }

  /** The functions `ref` calls (through macros too), each with the calls reaching it. */
  outgoing(ref: ItemRef): HierarchyCall[] {
    const index = this.index();
    const def = definitionOf(index, ref);
    if (!def) return [];
    return index.outgoing(def).map((c) => ({
      item: calleeItem(c.callee),
      ranges: c.sites.map((s) => s.span),
      macros: macrosOf(c.sites),
    }));
  }
}

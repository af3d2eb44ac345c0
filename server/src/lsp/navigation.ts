import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  SymbolKind,
  type CallHierarchyIncomingCall,
  type CallHierarchyItem,
  type CallHierarchyOutgoingCall,
  type Connection,
  type Location,
} from 'vscode-languageserver';
import { Navigator, type HierarchyCall, type HierarchyItem, type ItemRef, type IndexedWorkspace, type SourceRange } from '../navigation';
import { rangeOf, uriOf } from './diagnostics';

export interface NavigationHost {
  readonly root: () => string;
  readonly workspace: () => IndexedWorkspace | undefined;
  /** Settles when the current index is complete, and open editors' pending edits are analysed. */
  readonly current: () => Promise<void>;
}

function pathOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

function isItemRef(data: unknown): data is ItemRef {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return (
    typeof d.name === 'string' &&
    (d.path === undefined || typeof d.path === 'string') &&
    (d.line === undefined || typeof d.line === 'number')
  );
}

/**
 * Go to definition, find references and the call hierarchy, for any LSP
 * client, from the language server's own index of the workspace.
 */
export class NavigationHandlers {
  constructor(
    private readonly connection: Connection,
    private readonly host: NavigationHost,
  ) {}

  register(): void {
    const c = this.connection;
    c.onDefinition(async ({ textDocument, position }) => {
      const nav = await this.navigator();
      return nav ? this.locations(nav.definitions(pathOf(textDocument.uri), position.line, position.character)) : null;
    });
    c.onReferences(async ({ textDocument, position, context }) => {
      const nav = await this.navigator();
      return nav
        ? this.locations(nav.references(pathOf(textDocument.uri), position.line, position.character, context.includeDeclaration))
        : null;
    });
    c.languages.callHierarchy.onPrepare(async ({ textDocument, position }) => {
      const nav = await this.navigator();
      const items = nav?.prepare(pathOf(textDocument.uri), position.line, position.character) ?? [];
      return items.length > 0 ? items.map((i) => this.item(i)) : null;
    });
    c.languages.callHierarchy.onIncomingCalls(async ({ item }): Promise<CallHierarchyIncomingCall[]> => {
      const nav = await this.navigator();
      if (!nav || !isItemRef(item.data)) return [];
      return nav.incoming(item.data).map((call) => ({ from: this.item(call.item, call), fromRanges: call.ranges.map(rangeOf) }));
    });
    c.languages.callHierarchy.onOutgoingCalls(async ({ item }): Promise<CallHierarchyOutgoingCall[]> => {
      const nav = await this.navigator();
      if (!nav || !isItemRef(item.data)) return [];
      return nav.outgoing(item.data).map((call) => ({ to: this.item(call.item, call), fromRanges: call.ranges.map(rangeOf) }));
    });
  }

  private async navigator(): Promise<Navigator | undefined> {
    await this.host.current();
    const ws = this.host.workspace();
    return ws ? new Navigator(ws) : undefined;
  }

  private locations(ranges: readonly SourceRange[]): Location[] | null {
    return ranges.length > 0 ? ranges.map((r) => ({ uri: uriOf(r.path), range: rangeOf(r.span) })) : null;
  }

  /** The item as editors show it: name, where it is defined (or that it is not), the macros a call goes through. */
  private item(item: HierarchyItem, call?: HierarchyCall): CallHierarchyItem {
    const where = item.external ? 'not defined in the workspace' : relative(this.host.root(), item.path) || item.path;
    const through = call && call.macros.length > 0 ? ` · through ${call.macros.join(', ')}` : '';
    return {
      name: item.name,
      kind: SymbolKind.Function,
      detail: `${item.isStatic ? 'static · ' : ''}${where}${through}`,
      uri: uriOf(item.path),
      range: rangeOf(item.span),
      selectionRange: rangeOf(item.selectionSpan),
      data: item.ref,
    };
  }
}

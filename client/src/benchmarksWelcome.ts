import * as vscode from 'vscode';

/**
 * The Benchmarks view as registered: the benchmarks and allocators when there
 * is something to run, else nothing, so VS Code shows the view's welcome
 * content (package.json viewsWelcome: Open Sample Allocator, with no folder
 * or no benchmarks open).
 */
export class BenchmarksWelcome<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly view: vscode.TreeDataProvider<T>,
    /** Whether the open workspace has benchmarks (the view's list, not a second request). */
    private readonly hasBenchmarks: () => Promise<boolean>,
  ) {
    this.subscriptions = [
      this.changed,
      ...(view.onDidChangeTreeData ? [view.onDidChangeTreeData((e) => this.changed.fire(e as T | undefined))] : []),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.changed.fire()),
    ];
  }

  getTreeItem(node: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.view.getTreeItem(node);
  }

  async getChildren(node?: T): Promise<T[]> {
    if (node === undefined) {
      if (!vscode.workspace.workspaceFolders?.length) return [];
      const any = await this.hasBenchmarks().catch(() => true);
      if (!any) return [];
    }
    return (await this.view.getChildren(node)) ?? [];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

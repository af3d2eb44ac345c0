import * as vscode from 'vscode';

/** A webview panel whose scripts may only come from the built media (CSP with a nonce in the page). */
export function createMediaPanel(context: vscode.ExtensionContext, viewType: string, title: string): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
    {
      enableScripts: true,
      // Hidden panels are torn down; they rebuild from a small state when shown again.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media', 'dist')],
    },
  );
}

export function mediaScriptUri(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, file: string): string {
  return panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', 'dist', file)).toString();
}

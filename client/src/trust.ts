import * as vscode from 'vscode';

/**
 * Building and running code needs a trusted workspace; analysis does not.
 * Returns false (after telling the user) when the workspace is untrusted.
 */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showErrorMessage(`HAKMEM: ${what} needs a trusted workspace: it builds and runs code from this folder.`, 'Manage Workspace Trust')
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

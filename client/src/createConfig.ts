import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Notifications, Requests } from '../../server/src/protocol';

export const CREATE_CONFIG_COMMAND = 'hakmem.createConfig';
const CREATE_ACTION = 'Create .hakmem.json';

/**
 * HAKMEM: Create .hakmem.json — the server proposes a configuration from the
 * tree; the user sees it (beside the existing file, when there is one) and
 * it is written only after a modal "Write".
 */
export async function createConfig(client: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  const proposal = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'HAKMEM: looking at the tree for a starting .hakmem.json' },
    () => client.sendRequest(Requests.proposeConfig, {}),
  );
  for (const line of proposal.summary) output.info(`proposed .hakmem.json: ${line}`);
  const proposed = await vscode.workspace.openTextDocument({ language: 'json', content: proposal.text });
  const target = vscode.Uri.file(proposal.path);
  if (proposal.exists) {
    await vscode.commands.executeCommand('vscode.diff', target, proposed.uri, '.hakmem.json ↔ proposed', { preview: true });
  } else {
    await vscode.window.showTextDocument(proposed, { preview: true });
  }
  const question = proposal.exists
    ? `Replace the existing ${proposal.path} with the proposed configuration?`
    : `Write the proposed configuration to ${proposal.path}?`;
  const answer = await vscode.window.showInformationMessage(question, { modal: true, detail: proposal.summary.join('\n') }, 'Write');
  if (answer !== 'Write') return;
  // What the user sees is what is written, edits in the preview included.
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(proposed.getText()));
  await vscode.window.showTextDocument(target);
}

/** Shows the server's one-time notice that the analysis reaches almost nothing, with the way out. */
export function onReachNotice(client: LanguageClient): vscode.Disposable {
  return client.onNotification(Notifications.reachNotice, (params) => {
    void vscode.window.showInformationMessage(`HAKMEM: ${params.message}.`, CREATE_ACTION).then((pick) => {
      if (pick === CREATE_ACTION) void vscode.commands.executeCommand(CREATE_CONFIG_COMMAND);
    });
  });
}

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient, serverSettings } from './languageClient';
import { HakmemStatusBar } from './statusBar';
import { requireTrust } from './trust';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('HAKMEM', { log: true });
  context.subscriptions.push(output);
  output.info(`HAKMEM DevTools ${context.extension.packageJSON.version as string} activating (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`);

  const status = new HakmemStatusBar();
  context.subscriptions.push(status);

  client = createLanguageClient(context, output);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('hakmem') && client) {
        void client.sendNotification('workspace/didChangeConfiguration', { settings: { hakmem: serverSettings() } });
      }
    }),
    vscode.commands.registerCommand('hakmem.showOutput', () => output.show()),
    vscode.commands.registerCommand('hakmem.restartServer', async () => {
      output.info('restarting the language server');
      await client?.restart();
    }),
    vscode.commands.registerCommand('hakmem.selectBuild', async () => {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'release', description: 'HAKMEM_BUILD_RELEASE=1, NDEBUG (what ships)' },
          { label: 'debug', description: 'HAKMEM_BUILD_RELEASE=0 (debug checks compiled in)' },
        ],
        { placeHolder: 'Which build should the hot-path analysis evaluate?' },
      );
      if (pick) await vscode.workspace.getConfiguration('hakmem').update('build', pick.label, vscode.ConfigurationTarget.Workspace);
    }),
    vscode.commands.registerCommand('hakmem.runBenchmark', () => {
      if (!requireTrust('Running a benchmark')) return;
      void vscode.window.showInformationMessage('HAKMEM: benchmarks are not available in this build.');
    }),
    vscode.commands.registerCommand('hakmem.compareAllocators', () => {
      if (!requireTrust('Comparing allocators')) return;
      void vscode.window.showInformationMessage('HAKMEM: benchmarks are not available in this build.');
    }),
    vscode.commands.registerCommand('hakmem.profileBenchmark', () => {
      if (!requireTrust('Profiling a benchmark')) return;
      void vscode.window.showInformationMessage('HAKMEM: profiling is not available in this build.');
    }),
  );
  await client.start();
  output.info('language server started');
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

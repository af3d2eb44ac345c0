import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, type LanguageClient } from 'vscode-languageclient/node';
import { Notifications, type ConfigurationSettings } from '../../server/src/protocol';
import { BenchmarkLenses } from './benchLenses';
import { createConfig, CREATE_CONFIG_COMMAND, onReachNotice } from './createConfig';
import { Benchmarks } from './benchmarks';
import { BenchmarksWelcome } from './benchmarksWelcome';
import { SanitizerRuns } from './crashes';
import { createLanguageClient, serverSettings } from './languageClient';
import { openSampleAllocator, OPEN_SAMPLE_COMMAND } from './sampleAllocator';
import { HakmemStatusBar } from './statusBar';
import { RUN_SUITE_COMMAND, SuiteRunner } from './suite';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('HAKMEM', { log: true });
  context.subscriptions.push(output);
  output.info(
    `HAKMEM DevTools ${context.extension.packageJSON.version as string} activating (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`,
  );

  const status = new HakmemStatusBar();
  context.subscriptions.push(status);

  const languageClient = createLanguageClient(context, output);
  client = languageClient;
  const benchmarks = new Benchmarks(context, languageClient, status, output);
  const sanitizerRuns = new SanitizerRuns(languageClient, output);
  const lenses = new BenchmarkLenses(benchmarks);
  // With no folder or nothing to run, the view is empty and shows its welcome (Open Sample Allocator).
  const view = new BenchmarksWelcome(benchmarks, async () => (await benchmarks.benchmarks()).benchmarks.length > 0);
  const suite = new SuiteRunner(context, languageClient, status, output);
  const refresh = (): void => {
    benchmarks.refresh();
    lenses.refresh();
  };
  context.subscriptions.push(
    benchmarks,
    view,
    vscode.window.registerTreeDataProvider('hakmem.benchmarks', view),
    suite,
    vscode.commands.registerCommand(RUN_SUITE_COMMAND, () => suite.run()),
    vscode.languages.registerCodeLensProvider(
      [
        { scheme: 'file', language: 'c' },
        { scheme: 'file', language: 'makefile' },
        { scheme: 'file', pattern: '**/Makefile' },
      ],
      lenses,
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('hakmem')) {
        const settings: ConfigurationSettings = { hakmem: serverSettings() };
        void languageClient.sendNotification(DidChangeConfigurationNotification.type, { settings });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void languageClient.sendNotification(Notifications.trustChanged, { trusted: true });
    }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.fsPath.endsWith('.hakmem.json')) refresh();
    }),
    vscode.commands.registerCommand('hakmem.showOutput', () => output.show()),
    vscode.commands.registerCommand('hakmem.restartServer', async () => {
      output.info('restarting the language server');
      await languageClient.restart();
      refresh();
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
    vscode.commands.registerCommand('hakmem.runBenchmark', (arg?: string) => benchmarks.run(arg)),
    vscode.commands.registerCommand('hakmem.compareAllocators', (arg?: string) => benchmarks.compare(arg)),
    vscode.commands.registerCommand('hakmem.abKnobs', (arg?: string) => benchmarks.abKnobs(arg)),
    vscode.commands.registerCommand('hakmem.profileBenchmark', (arg?: string) => benchmarks.profile(arg)),
    sanitizerRuns,
    vscode.commands.registerCommand('hakmem.sanitizeBenchmark', (arg?: string) => sanitizerRuns.run(arg)),
    vscode.commands.registerCommand('hakmem.openProfile', () => benchmarks.openProfileFile()),
    vscode.commands.registerCommand('hakmem.showFlamegraph', (name?: string) => benchmarks.flame.reveal(name)),
    vscode.commands.registerCommand('hakmem.refreshBenchmarks', refresh),
    vscode.commands.registerCommand(CREATE_CONFIG_COMMAND, () => createConfig(languageClient, output)),
    vscode.commands.registerCommand(OPEN_SAMPLE_COMMAND, () => openSampleAllocator(context, output)),
    onReachNotice(languageClient),
  );
  await languageClient.start();
  output.info('language server started');
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

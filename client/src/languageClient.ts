import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { InitializationOptions, ServerSettings } from '../../server/src/protocol';

/** The hakmem.* settings the language server reads. */
export function serverSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('hakmem');
  return {
    build: config.get<'release' | 'debug'>('build', 'release'),
    dimInactiveCode: config.get<boolean>('dimInactiveCode', true),
    pointerKindHints: config.get<boolean>('inlayHints.pointerKinds', true),
  };
}

/** Starts the language server bundled beside the extension (server/dist/server.js) over IPC. */
export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('server/dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const initializationOptions: InitializationOptions = {
    settings: serverSettings(),
    trusted: vscode.workspace.isTrusted,
    reachNotice: true,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'c' },
      // VS Code opens .h files as C++: headers hold inline functions and macros the navigation and hovers serve too.
      { scheme: 'file', pattern: '**/*.{h,inc}' },
      { scheme: 'file', pattern: '**/.hakmem.json' },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.c,*.h,*.inc,.hakmem.json}'),
    },
    initializationOptions,
    outputChannel: output,
    traceOutputChannel: output,
    diagnosticCollectionName: 'hakmem',
  };
  return new LanguageClient('hakmem', 'HAKMEM', serverOptions, clientOptions);
}

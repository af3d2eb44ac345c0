import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { HakmemServer } from './server';

// Entry of the language server bundle: stdio, node-ipc or socket, as the client chooses.
new HakmemServer(createConnection(ProposedFeatures.all)).listen();

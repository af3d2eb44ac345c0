// What the language server, the VS Code client and the tests share. The webview
// bundles import the page modules (resultsPage, flamePage) directly, never this
// file: it pulls in the LSP library.
export * from './lsp';
export * from './resultsPage';
export * from './flamePage';
export { acceptPageMessage } from './checks';

// The protocol (server/src/protocol/) as the language server, the VS Code
// client and the tests import it. The webview bundles import its page modules
// (protocol/resultsPage, protocol/flamePage) directly, never this file: it pulls
// in the LSP library.
export * from './protocol/lsp';
export * from './protocol/resultsPage';
export * from './protocol/flamePage';
export * from './protocol/suitePage';
export { acceptPageMessage } from './protocol/checks';

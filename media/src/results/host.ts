import type { ResultsPageToHost } from '../../../server/src/protocol/resultsPage';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The extension host in a VS Code webview; undefined when the page stands alone (tests, saved reports). */
const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

/** Messages the page sent, for a standalone page (a test can read them). */
export const sentMessages: ResultsPageToHost[] = [];

export function postToHost(message: ResultsPageToHost): void {
  sentMessages.push(message);
  vscode?.postMessage(message);
}

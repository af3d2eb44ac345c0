import type { PageToHostMessage } from '../../../server/src/bench/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The extension host in a VS Code webview; undefined when the page stands alone (tests, saved reports). */
const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

/** Messages the page sent, for a standalone page (a test can read them). */
export const sentMessages: PageToHostMessage[] = [];

export function postToHost(message: PageToHostMessage): void {
  sentMessages.push(message);
  vscode?.postMessage(message);
}

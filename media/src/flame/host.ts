import { isFlameViewState, type FlamePageToHost, type FlameViewState } from '../../../server/src/protocol/flamePage';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The extension host when the page runs in a VS Code webview; undefined for the standalone page. */
const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

export const inWebview = vscode !== undefined;

export function postToHost(message: FlamePageToHost): void {
  vscode?.postMessage(message);
}

/** View state kept by VS Code while the panel is hidden (never the model: it can be large). */
export function saveState(state: FlameViewState): void {
  vscode?.setState(state);
}

export function savedState(): FlameViewState | undefined {
  const s = vscode?.getState();
  return isFlameViewState(s) ? s : undefined;
}

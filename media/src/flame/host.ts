import type { FlameViewState, PageToHostMessage } from '../../../server/src/profile/wire';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The extension host when the page runs in a VS Code webview; undefined for the standalone page. */
const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

export const inWebview = vscode !== undefined;

export function postToHost(message: PageToHostMessage): void {
  vscode?.postMessage(message);
}

/** View state kept by VS Code while the panel is hidden (never the model: it can be large). */
export function saveState(state: FlameViewState): void {
  vscode?.setState(state);
}

export function savedState(): FlameViewState | undefined {
  const s = vscode?.getState() as FlameViewState | undefined;
  return s && typeof s === 'object' && typeof s.view === 'string' ? s : undefined;
}

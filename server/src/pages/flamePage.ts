// The flamegraph page, identical for the VS Code webview (script by URI, data
// by postMessage) and the standalone file the CLI writes (script and profile
// inlined).
import type { SerialisedProfile } from '../profile/serialise';
import { escapeHtml, jsonForScript, pageHtml, type PageShell } from './shell';

export type FlamePageOptions = Omit<PageShell, 'title'> & {
  readonly title?: string;
  /** A profile embedded in the page (standalone pages); webviews receive theirs by postMessage. */
  readonly initialData?: SerialisedProfile;
};

const STYLE = `
:root {
  --bg: var(--vscode-editor-background, #1e1e1e);
  --fg: var(--vscode-foreground, #cccccc);
  --muted: var(--vscode-descriptionForeground, #9d9d9d);
  --border: var(--vscode-panel-border, #3c3c3c);
  --input-bg: var(--vscode-input-background, #313131);
  --input-fg: var(--vscode-input-foreground, #cccccc);
  --button-bg: var(--vscode-button-secondaryBackground, #3a3d41);
  --button-fg: var(--vscode-button-secondaryForeground, #cccccc);
  --accent: var(--vscode-focusBorder, #0078d4);
  --match: var(--vscode-editor-findMatchHighlightBackground, #ea5c0055);
  --tooltip-bg: var(--vscode-editorHoverWidget-background, #252526);
  --tooltip-border: var(--vscode-editorHoverWidget-border, #454545);
  --font: var(--vscode-font-family, system-ui, sans-serif);
  --mono: var(--vscode-editor-font-family, monospace);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: var(--bg); color: var(--fg); font: 13px var(--font); }
body { display: flex; flex-direction: column; overflow: hidden; }
header { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 8px; border-bottom: 1px solid var(--border); }
header h1 { font-size: 13px; margin: 0 8px 0 0; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 30ch; }
button { background: var(--button-bg); color: var(--button-fg); border: 1px solid var(--border); padding: 2px 8px; font: inherit; cursor: pointer; }
button[aria-pressed="true"] { border-color: var(--accent); }
button:focus-visible, input:focus-visible, canvas:focus-visible, th:focus-visible { outline: 1px solid var(--accent); }
input[type=search] { background: var(--input-bg); color: var(--input-fg); border: 1px solid var(--border); padding: 2px 6px; font: inherit; width: 22ch; }
#match { color: var(--muted); min-width: 12ch; }
#legend { color: var(--muted); }
nav#crumbs { padding: 4px 8px; color: var(--muted); white-space: nowrap; overflow-x: auto; min-height: 24px; }
nav#crumbs button { border: none; background: none; color: var(--fg); padding: 0 2px; text-decoration: underline; }
main { flex: 1; position: relative; min-height: 0; }
.pane { position: absolute; inset: 0; overflow: auto; }
[hidden] { display: none !important; }
#graph-scroll { overflow-y: auto; overflow-x: hidden; }
canvas { display: block; }
#graph-canvas { position: sticky; top: 0; }
#tooltip { position: fixed; pointer-events: none; background: var(--tooltip-bg); border: 1px solid var(--tooltip-border); padding: 4px 8px; max-width: 60ch; font-size: 12px; z-index: 10; white-space: pre-wrap; word-break: break-all; }
#tooltip .name { font-family: var(--mono); font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 8px; border-bottom: 1px solid var(--border); text-align: right; }
th { position: sticky; top: 0; background: var(--bg); cursor: pointer; user-select: none; }
td.name, th.name { text-align: left; font-family: var(--mono); word-break: break-all; }
tr.selected td { background: var(--match); }
tbody tr { cursor: pointer; }
#sandwich { display: flex; flex-direction: column; }
#sandwich h2 { font-size: 12px; margin: 6px 8px 2px; font-weight: 600; }
#sandwich-callers-wrap, #sandwich-callees-wrap { overflow: auto; }
header .spacer { flex: 1; }
#empty { padding: 16px; color: var(--muted); }
`;

function body(title: string, initialData: SerialisedProfile | undefined): string {
  const data =
    initialData !== undefined ? `<script type="application/json" id="hakmem-profile-data">${jsonForScript(initialData)}</script>` : '';
  return `<header>
  <h1 id="title">${escapeHtml(title)}</h1>
  <div role="group" aria-label="View">
    <button id="view-flame" data-view="flame" aria-pressed="true">Flame</button>
    <button id="view-icicle" data-view="icicle" aria-pressed="false">Icicle</button>
    <button id="view-sandwich" data-view="sandwich" aria-pressed="false">Sandwich</button>
    <button id="view-table" data-view="table" aria-pressed="false">Hotspots</button>
  </div>
  <input id="search" type="search" placeholder="Search functions (regex)" aria-label="Search functions">
  <span id="match" aria-live="polite"></span>
  <span id="legend"></span>
  <span class="spacer"></span>
  <button id="export-folded">Export folded</button>
  <button id="export-speedscope">Export speedscope</button>
</header>
<nav id="crumbs" aria-label="Zoom path"></nav>
<main>
  <div id="graph-scroll" class="pane"><div id="graph-spacer"><canvas id="graph-canvas" tabindex="0" aria-label="Flamegraph: arrow keys move, Enter zooms, Escape zooms out"></canvas></div></div>
  <div id="table-pane" class="pane" hidden><table id="hotspots"><thead><tr><th class="name" data-sort="name" tabindex="0">Function</th><th data-sort="self" tabindex="0">Self</th><th data-sort="self" tabindex="0">Self %</th><th data-sort="total" tabindex="0">Total %</th><th data-sort="delta" tabindex="0" id="delta-column" hidden>Δ Self %</th></tr></thead><tbody></tbody></table></div>
  <div id="sandwich" class="pane" hidden>
    <h2 id="sandwich-title"></h2>
    <h2>Callers</h2><div id="sandwich-callers-wrap"><canvas id="sandwich-callers" tabindex="0"></canvas></div>
    <h2>Callees</h2><div id="sandwich-callees-wrap"><canvas id="sandwich-callees" tabindex="0"></canvas></div>
  </div>
  <div id="empty" class="pane">Waiting for a profile…</div>
</main>
<div id="tooltip" hidden></div>
${data}`;
}

export function flamePageHtml(options: FlamePageOptions): string {
  const title = options.title ?? options.initialData?.title ?? 'Profile';
  return pageHtml({ ...options, title }, { style: STYLE, body: body(title, options.initialData) });
}

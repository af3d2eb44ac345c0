// The suite result page: a table and a chart of time and peak RSS relative
// to the best allocator per row (as mimalloc-bench draws them), the geometric
// means with their intervals, system time and faults, verdicts and history.
// Data arrives by postMessage (webview) or as inline JSON (a standalone page);
// the page renders every string with textContent.
import { escapeHtml, jsonForScript, pageHtml, type PageShell } from './shell';
import type { SuiteResultMessage } from '../protocol/suitePage';

export type SuitePageOptions = Omit<PageShell, 'title'> & {
  readonly title?: string;
  /** Rendered at load, without waiting for a message (standalone pages). */
  readonly initialData?: SuiteResultMessage;
};

const STYLE = `
:root {
  --fg: var(--vscode-editor-foreground, #1f2328);
  --bg: var(--vscode-editor-background, #ffffff);
  --muted: var(--vscode-descriptionForeground, #656d76);
  --border: var(--vscode-panel-border, #d0d7de);
  --focus: var(--vscode-focusBorder, #0969da);
  --best: var(--vscode-charts-green, #1a7f37);
  --worse: var(--vscode-charts-red, #cf222e);
  --button-bg: var(--vscode-button-background, #1f6feb);
  --button-fg: var(--vscode-button-foreground, #ffffff);
  --error-fg: var(--vscode-errorForeground, #cf222e);
  --code-bg: var(--vscode-textCodeBlock-background, #f6f8fa);
}
body { margin: 0; padding: 8px 12px; color: var(--fg); background: var(--bg);
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px); }
h1 { font-size: 1.3em; margin: 4px 0; }
h2 { font-size: 1.05em; margin: 16px 0 6px; }
.detail { color: var(--muted); }
.toolbar { display: flex; gap: 6px; margin: 8px 0; }
button { background: var(--button-bg); color: var(--button-fg); border: none; padding: 4px 10px; cursor: pointer; font: inherit; }
button:focus-visible, [tabindex]:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid var(--border); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
td.best { color: var(--best); font-weight: 600; }
td.far { color: var(--worse); }
td.failed { color: var(--error-fg); }
.table-wrap { overflow-x: auto; }
svg { display: block; max-width: 100%; overflow: visible; }
svg text { fill: var(--fg); font-size: 11px; }
.axis { stroke: var(--border); }
.one { stroke: var(--fg); stroke-dasharray: 3 3; }
.progress { height: 4px; background: var(--border); margin: 6px 0; }
.progress > div { height: 100%; background: var(--button-bg); width: 0; }
.verdicts { padding-left: 1.2em; }
.failure pre { background: var(--code-bg); padding: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; background: var(--series); }
.bar { fill: var(--series); }
.c0 { --series: var(--vscode-charts-blue, #1f6feb); }
.c1 { --series: var(--vscode-charts-orange, #d18616); }
.c2 { --series: var(--vscode-charts-green, #1a7f37); }
.c3 { --series: var(--vscode-charts-purple, #8250df); }
.c4 { --series: var(--vscode-charts-red, #cf222e); }
.c5 { --series: var(--vscode-charts-yellow, #9a6700); }
[hidden] { display: none !important; }
`;

function body(initial: SuiteResultMessage | undefined): string {
  const data = initial ? `<script type="application/json" id="hakmem-suite-data">${jsonForScript(initial)}</script>` : '';
  return `<main id="app" aria-busy="true">
  <h1 id="title">${escapeHtml('Allocator suite')}</h1>
  <p id="summary" class="detail">Waiting for the suite…</p>
  <div id="progress" class="progress" role="progressbar" aria-label="suite progress" aria-valuemin="0" aria-valuemax="100" hidden><div></div></div>
  <p id="progress-text" class="detail" aria-live="polite"></p>
  <div id="toolbar" class="toolbar"></div>
  <section id="means-section" aria-labelledby="means-heading" hidden>
    <h2 id="means-heading">Geometric mean per allocator (time relative to the best per row, 95% CI)</h2>
    <p id="previous" role="status"></p>
    <div class="table-wrap"><table id="means"></table></div>
  </section>
  <section id="time-section" aria-labelledby="time-heading" hidden>
    <h2 id="time-heading">Time relative to the best allocator per row</h2>
    <div id="legend" class="legend"></div>
    <div id="time-chart"></div>
    <div class="table-wrap"><table id="time-table"></table></div>
  </section>
  <section id="rss-section" aria-labelledby="rss-heading" hidden>
    <h2 id="rss-heading">Peak RSS relative to the best allocator per row</h2>
    <div id="rss-chart"></div>
    <div class="table-wrap"><table id="rss-table"></table></div>
  </section>
  <section id="os-section" aria-labelledby="os-heading" hidden>
    <h2 id="os-heading">System time and page faults per row (getrusage of the workload)</h2>
    <div class="table-wrap"><table id="os-table"></table></div>
  </section>
  <section id="verdicts-section" aria-labelledby="verdicts-heading" hidden>
    <h2 id="verdicts-heading">Verdicts per row</h2>
    <ul id="verdicts" class="verdicts"></ul>
  </section>
  <section id="failures-section" aria-labelledby="failures-heading" hidden>
    <h2 id="failures-heading">Failed runs, skipped rows and missing allocators</h2>
    <div id="failures"></div>
  </section>
  <section id="history-section" aria-labelledby="history-heading" hidden>
    <h2 id="history-heading">Earlier suite runs</h2>
    <div class="table-wrap"><table id="history"></table></div>
  </section>
</main>${data}`;
}

export function suitePageHtml(options: SuitePageOptions): string {
  return pageHtml({ ...options, title: options.title ?? 'Allocator suite' }, { style: STYLE, body: body(options.initialData) });
}

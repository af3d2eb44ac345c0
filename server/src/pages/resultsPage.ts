// The results page: bars with CI whiskers, the verdict, failures and the trend.
// Data never goes into the HTML: it arrives by postMessage, and the page renders
// every string with textContent, so a benchmark named `<script>` is only text.
import { pageHtml, type PageShell } from './shell';

export type ResultsPageOptions = Omit<PageShell, 'title'> & { readonly title?: string };

const STYLE = `
:root {
  --fg: var(--vscode-editor-foreground, #1f2328);
  --bg: var(--vscode-editor-background, #ffffff);
  --muted: var(--vscode-descriptionForeground, #656d76);
  --border: var(--vscode-panel-border, #d0d7de);
  --accent: var(--vscode-charts-blue, #1f6feb);
  --faster: var(--vscode-charts-green, #1a7f37);
  --slower: var(--vscode-charts-red, #cf222e);
  --neutral: var(--vscode-charts-foreground, #656d76);
  --focus: var(--vscode-focusBorder, #0969da);
  --button-bg: var(--vscode-button-background, #1f6feb);
  --button-fg: var(--vscode-button-foreground, #ffffff);
  --error-fg: var(--vscode-errorForeground, #cf222e);
  --code-bg: var(--vscode-textCodeBlock-background, #f6f8fa);
  --warning-fg: var(--vscode-editorWarning-foreground, #9a6700);
}
body { margin: 0; padding: 8px 12px; color: var(--fg); background: var(--bg);
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px); }
h1 { font-size: 1.3em; margin: 4px 0; overflow-wrap: anywhere; }
h2 { font-size: 1.05em; margin: 16px 0 6px; }
.args { color: var(--muted); font-family: var(--vscode-editor-font-family, monospace); overflow-wrap: anywhere; }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
button { background: var(--button-bg); color: var(--button-fg); border: none; padding: 4px 10px; cursor: pointer; font: inherit; }
button:focus-visible, [tabindex]:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.verdicts { list-style: none; padding: 0; margin: 0; }
.verdicts li { padding: 4px 0; border-bottom: 1px solid var(--border); }
.verdict-faster .word { color: var(--faster); font-weight: 600; }
.verdict-slower .word { color: var(--slower); font-weight: 600; }
.verdict-none .word { color: var(--neutral); font-weight: 600; }
.detail { color: var(--muted); }
svg { display: block; max-width: 100%; overflow: visible; }
svg text { fill: var(--fg); font-size: 11px; }
.axis line, .axis path { stroke: var(--border); }
.bar { fill: var(--accent); opacity: 0.85; }
.bar-group:focus .bar, .bar-group:hover .bar { opacity: 1; }
.whisker { stroke: var(--fg); stroke-width: 1.5; }
.sample { fill: var(--fg); opacity: 0.45; }
.trend-line { fill: none; stroke-width: 2; }
.trend-band { opacity: 0.15; }
.trend-point:focus circle { stroke: var(--focus); stroke-width: 3; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 3px 6px; border-bottom: 1px solid var(--border); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; overflow-wrap: break-word; min-width: 6em; }
.table-wrap { overflow-x: auto; }
.failure { border-left: 3px solid var(--error-fg); padding: 4px 8px; margin: 8px 0; }
.failure pre, .error pre { background: var(--code-bg); padding: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.error { color: var(--error-fg); }
.warning { color: var(--warning-fg); border-left: 3px solid var(--warning-fg); padding-left: 8px; }
.missing { color: var(--muted); }
.progress { height: 4px; background: var(--border); margin: 6px 0; }
.progress > div { height: 100%; background: var(--accent); width: 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[hidden] { display: none !important; }
.c0 { --series: var(--vscode-charts-blue, #1f6feb); }
.c1 { --series: var(--vscode-charts-orange, #d18616); }
.c2 { --series: var(--vscode-charts-green, #1a7f37); }
.c3 { --series: var(--vscode-charts-purple, #8250df); }
.c4 { --series: var(--vscode-charts-red, #cf222e); }
.c5 { --series: var(--vscode-charts-yellow, #9a6700); }
.trend-line { stroke: var(--series); }
.trend-band { fill: var(--series); }
.trend-point circle { fill: var(--series); }
.swatch { background: var(--series); }
`;

const BODY = `<main id="app" aria-busy="true">
  <header>
    <h1 id="title">Benchmark results</h1>
    <div id="args" class="args"></div>
  </header>
  <div id="progress" class="progress" role="progressbar" aria-label="benchmark progress" aria-valuemin="0" aria-valuemax="100" hidden><div></div></div>
  <p id="progress-text" class="detail" aria-live="polite"></p>
  <div id="toolbar" class="toolbar"></div>
  <p id="empty" class="detail">Waiting for results…</p>
  <section id="error" class="error" hidden></section>
  <section id="verdict-section" aria-labelledby="verdict-heading" hidden>
    <h2 id="verdict-heading">Verdict</h2>
    <ul id="verdicts" class="verdicts" role="status"></ul>
    <p id="warning" class="warning" role="alert" hidden></p>
  </section>
  <section id="bars-section" aria-labelledby="bars-heading" hidden>
    <h2 id="bars-heading">Throughput by allocator (median, 95% CI)</h2>
    <div id="bars"></div>
    <div class="table-wrap"><table id="summary-table"><caption class="sr-only">Summary per series</caption></table></div>
  </section>
  <section id="failures-section" aria-labelledby="failures-heading" hidden>
    <h2 id="failures-heading">Failed runs</h2>
    <div id="failures"></div>
  </section>
  <section id="missing-section" aria-labelledby="missing-heading" hidden>
    <h2 id="missing-heading">Not installed</h2>
    <ul id="missing" class="missing"></ul>
  </section>
  <section id="trend-section" aria-labelledby="trend-heading" hidden>
    <h2 id="trend-heading">Trend over commits</h2>
    <div id="trend-legend" class="legend"></div>
    <div id="trend"></div>
  </section>
</main>`;

export function resultsPageHtml(options: ResultsPageOptions): string {
  return pageHtml({ ...options, title: options.title ?? 'Benchmark results' }, { style: STYLE, body: BODY });
}

// The benchmark results page: waits for { type: 'results' } from the host and
// renders the verdicts, the bars with CI whiskers, failures, missing peers and
// the trend over commits. Charts re-render when the panel is resized.
import { seriesLabel } from '../../../server/src/bench/record';
import type { HostToResultsPage, ResultsMessage } from '../../../server/src/protocol/resultsPage';
import { renderBars } from './bars';
import { renderDesign } from './design';
import { formatRate } from './d3';
import { byId, clear, html } from './dom';
import { postToHost } from './host';
import { renderTrend } from './trend';

let current: ResultsMessage | undefined;

function show(id: string, visible: boolean): void {
  byId(id).hidden = !visible;
}

function allocatorsOf(m: ResultsMessage): string[] {
  const names = [...m.records.map((r) => r.allocator.name), ...m.failures.map((f) => f.allocator), ...m.missing.map((x) => x.allocator)];
  return [...new Set(names)];
}

function renderToolbar(m: ResultsMessage): void {
  const bar = byId('toolbar');
  clear(bar);
  const rerun = html('button', { type: 'button', id: 'rerun' }, 'Run again', bar);
  rerun.addEventListener('click', () => postToHost({ type: 'rerun', benchmark: m.benchmark, allocators: allocatorsOf(m) }));
  if (m.hasSource) {
    const open = html('button', { type: 'button', id: 'open-source' }, 'Open benchmark source', bar);
    open.addEventListener('click', () => postToHost({ type: 'openSource', benchmark: m.benchmark }));
  }
}

function renderVerdicts(m: ResultsMessage): void {
  const list = byId('verdicts');
  clear(list);
  // The words come from the server, so the page, the CLI and the status bar say the same thing.
  for (const c of m.comparisons) {
    const kind = c.verdict === 'faster' ? 'verdict-faster' : c.verdict === 'slower' ? 'verdict-slower' : 'verdict-none';
    const li = html('li', { class: kind, 'data-verdict': c.verdict, 'data-decision': c.decision }, undefined, list);
    html('strong', {}, c.words.subject, li);
    const undecided = c.decision === 'undecided';
    li.append(undecided ? ' ' : ' is ');
    if (undecided) {
      html('span', { class: 'against' }, c.words.against, li);
      li.append(': ');
      html('span', { class: 'word' }, c.words.change, li);
    } else {
      html('span', { class: 'word' }, c.words.change, li);
      li.append(' ');
      html('span', { class: 'against' }, c.words.against, li);
    }
    li.append(' ');
    html('span', { class: 'detail' }, c.words.detail, li);
  }
  if (m.comparisons.length === 0 && m.records.length > 0) {
    html('li', { class: 'verdict-none' }, 'One series and no earlier run on another commit: nothing to compare yet.', list);
  }
  renderDesign(m, list);
  const warning = byId('warning');
  warning.textContent = m.warning ?? '';
  show('warning', m.warning !== undefined);
  show('verdict-section', m.records.length > 0);
}

function renderSummaryTable(m: ResultsMessage): void {
  const table = byId<HTMLTableElement>('summary-table');
  for (const row of [...table.querySelectorAll('tr')]) row.remove();
  const head = html('tr', {}, undefined, table);
  for (const h of ['series', 'median ops/s', '95% CI', 'MAD', 'CV', 'runs', 'max RSS']) html('th', { scope: 'col' }, h, head);
  for (const r of m.records) {
    const s = r.summary;
    const tr = html('tr', {}, undefined, table);
    html('th', { scope: 'row' }, seriesLabel(r), tr);
    html('td', {}, formatRate(s.median), tr);
    html('td', {}, `${formatRate(s.ci95[0])} – ${formatRate(s.ci95[1])}`, tr);
    html('td', {}, formatRate(s.mad), tr);
    html('td', {}, `${(s.cv * 100).toFixed(1)}%`, tr);
    html('td', {}, String(s.runs), tr);
    html('td', {}, s.medianMaxRssKb === null ? 'n/a' : `${(s.medianMaxRssKb / 1024).toFixed(1)} MiB`, tr);
  }
}

function renderFailures(m: ResultsMessage): void {
  const box = byId('failures');
  clear(box);
  for (const f of m.failures) {
    const div = html('div', { class: 'failure', 'data-kind': f.kind }, undefined, box);
    html('p', {}, `${f.label}: ${f.message}`, div);
    const tailText = f.stderrTail || f.stdoutTail;
    if (tailText) {
      html('p', { class: 'detail' }, f.stderrTail ? 'stderr (last lines)' : 'output (last lines)', div);
      html('pre', {}, tailText, div);
    }
    html('p', { class: 'detail' }, `Next: ${f.suggestion}`, div);
    if (f.rerunWith) {
      const b = html('button', { type: 'button', class: 'rerun-debug' }, `Re-run with ${f.rerunWith}`, div);
      const allocators = [f.rerunWith];
      b.addEventListener('click', () => postToHost({ type: 'rerun', benchmark: m.benchmark, allocators }));
    }
  }
  show('failures-section', m.failures.length > 0);
}

function renderMissing(m: ResultsMessage): void {
  const list = byId('missing');
  clear(list);
  for (const x of m.missing) html('li', { 'data-allocator': x.allocator }, x.hint, list);
  show('missing-section', m.missing.length > 0);
}

function chartWidth(): number {
  return Math.max(160, Math.min(900, byId('app').clientWidth - 4));
}

let renderedWidth = 0;

function renderCharts(): void {
  if (!current) return;
  const width = chartWidth();
  renderedWidth = width;
  // Redrawing replaces the bars: keep keyboard focus on the same series.
  const focusedSeries = document.activeElement?.getAttribute('data-series');
  renderBars(byId('bars'), current.records, width);
  renderTrend(byId('trend'), byId('trend-legend'), current.trend, width);
  if (focusedSeries) document.querySelector<SVGGElement>(`#bars [data-series="${CSS.escape(focusedSeries)}"]`)?.focus();
}

function renderResults(m: ResultsMessage): void {
  current = m;
  byId('title').textContent = m.benchmark;
  const commit = m.git ? ` · at ${m.git.commit.slice(0, 10)}${m.git.dirty ? ' (dirty: uncommitted edits)' : ''}` : '';
  byId('args').textContent = `${m.args.join(' ')}${commit}`;
  document.title = `${m.benchmark}: benchmark results`;
  show('progress', false);
  byId('progress-text').textContent = '';
  show('empty', false);
  const error = byId('error');
  clear(error);
  if (m.error) html('pre', {}, m.error, error);
  show('error', m.error !== undefined);
  renderToolbar(m);
  renderVerdicts(m);
  renderSummaryTable(m);
  show('bars-section', m.records.length > 0);
  renderFailures(m);
  renderMissing(m);
  show('trend-section', m.trend.length > 0);
  renderCharts();
  byId('app').setAttribute('aria-busy', 'false');
}

function renderProgress(message: string, fraction: number): void {
  show('progress', true);
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  const bar = byId('progress');
  bar.setAttribute('aria-valuenow', String(pct));
  (bar.firstElementChild as HTMLElement).style.width = `${pct}%`;
  byId('progress-text').textContent = message;
  const toolbar = byId('toolbar');
  if (!toolbar.querySelector('#cancel')) {
    clear(toolbar);
    html('button', { type: 'button', id: 'cancel' }, 'Cancel', toolbar).addEventListener('click', () => postToHost({ type: 'cancel' }));
  }
}

window.addEventListener('message', (event: MessageEvent<HostToResultsPage>) => {
  const m = event.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'results') renderResults(m);
  else if (m.type === 'progress') renderProgress(m.message, m.fraction);
});

let resizeTimer: number | undefined;
new ResizeObserver(() => {
  window.clearTimeout(resizeTimer);
  // Height changes (verdicts, failures appearing) do not move the charts: only a new width redraws.
  resizeTimer = window.setTimeout(() => {
    if (chartWidth() !== renderedWidth) renderCharts();
  }, 50);
}).observe(byId('app'));

postToHost({ type: 'ready' });

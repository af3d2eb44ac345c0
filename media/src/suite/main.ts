// The suite result page: waits for { type: 'suite' } from the host (or reads
// the inline data of a standalone page) and renders the means, the time and
// RSS charts and tables, system time and faults, verdicts, failures, history.
import type { SuiteReport } from '../../../server/src/bench/suite/types';
import type { HostToSuitePage, SuitePageToHost, SuiteResultMessage } from '../../../server/src/protocol/suitePage';
import { byId, clear, html } from '../results/dom';
import { renderGroupedBars } from './chart';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

/** Messages the page sent (a standalone page's tests read them). */
export const sentMessages: SuitePageToHost[] = [];
function post(message: SuitePageToHost): void {
  sentMessages.push(message);
  vscode?.postMessage(message);
}

function fixed(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

function show(id: string, visible: boolean): void {
  byId(id).hidden = !visible;
}

function headerRow(table: HTMLElement, cells: readonly string[]): void {
  const tr = html('tr', {}, undefined, html('thead', {}, undefined, table));
  for (const c of cells) html('th', { scope: 'col' }, c, tr);
}

/** A table of one relative figure per row and allocator; the best cell marked. */
function relativeTable(
  table: HTMLElement,
  report: SuiteReport,
  pick: (c: SuiteReport['rows'][number]['cells'][number]) => number | null,
): void {
  clear(table);
  headerRow(table, ['row', ...report.allocators]);
  const tbody = html('tbody', {}, undefined, table);
  for (const row of report.rows) {
    const tr = html('tr', {}, undefined, tbody);
    html('th', { scope: 'row' }, row.workload, tr);
    if (row.skipped) {
      html('td', { colspan: String(report.allocators.length), class: 'detail' }, `skipped: ${row.skipped}`, tr);
      continue;
    }
    for (const a of report.allocators) {
      const cell = row.cells.find((c) => c.allocator === a);
      const failure = row.failures.find((f) => f.allocator === a);
      const v = cell ? pick(cell) : null;
      const cls = failure ? 'failed' : v !== null && Math.abs(v - 1) < 1e-9 ? 'best' : v !== null && v > 1.5 ? 'far' : '';
      html('td', cls ? { class: cls } : {}, failure && !cell ? failure.kind : fixed(v), tr);
    }
  }
}

function renderMeans(report: SuiteReport): void {
  const table = byId('means');
  clear(table);
  headerRow(table, ['allocator', 'time', '95% CI', 'peak RSS', 'rows']);
  const tbody = html('tbody', {}, undefined, table);
  const best = Math.min(...report.means.map((m) => m.relTime));
  for (const m of report.means) {
    const tr = html('tr', { 'data-allocator': m.allocator }, undefined, tbody);
    html('th', { scope: 'row' }, m.allocator, tr);
    html('td', m.relTime === best ? { class: 'best' } : {}, fixed(m.relTime, 3), tr);
    html('td', {}, `${fixed(m.relTimeCi[0], 3)} – ${fixed(m.relTimeCi[1], 3)}`, tr);
    html('td', {}, fixed(m.relRss, 3), tr);
    html('td', {}, String(m.rows), tr);
  }
  byId('previous').textContent = report.previous?.sentence ?? 'No earlier suite run on another commit to compare with.';
}

function renderOs(report: SuiteReport): void {
  const table = byId('os-table');
  clear(table);
  headerRow(table, ['row', ...report.allocators.flatMap((a) => [`${a} sys s`, `${a} faults`])]);
  const tbody = html('tbody', {}, undefined, table);
  for (const row of report.rows) {
    if (row.skipped) continue;
    const tr = html('tr', {}, undefined, tbody);
    html('th', { scope: 'row' }, row.workload, tr);
    for (const a of report.allocators) {
      const c = row.cells.find((x) => x.allocator === a);
      html('td', {}, fixed(c?.sysSeconds, 3), tr);
      html('td', {}, c?.minorFaults != null ? String(c.minorFaults) : '—', tr);
    }
  }
}

function renderFailures(report: SuiteReport): void {
  const box = byId('failures');
  clear(box);
  let any = false;
  for (const row of report.rows) {
    if (row.skipped) {
      any = true;
      html('p', { class: 'detail' }, `${row.workload}: skipped — ${row.skipped}`, box);
    }
    for (const f of row.failures) {
      any = true;
      const div = html('div', { class: 'failure', 'data-kind': f.kind }, undefined, box);
      html('strong', {}, `${row.workload} · ${f.label}: ${f.message}`, div);
      html('p', { class: 'detail' }, f.suggestion, div);
      if (f.stderrTail) html('pre', {}, f.stderrTail, div);
    }
  }
  for (const m of report.missing) {
    any = true;
    html('p', { class: 'detail', 'data-missing': m.allocator }, `${m.allocator} is not installed: ${m.hint}`, box);
  }
  show('failures-section', any);
}

function render(m: SuiteResultMessage): void {
  const r = m.report;
  byId('app').setAttribute('aria-busy', 'false');
  show('progress', false);
  byId('progress-text').textContent = '';
  byId('summary').textContent =
    `${r.rows.length} rows × ${r.allocators.length} allocators, ${r.runs} interleaved runs per row${r.quick ? ' (quick)' : ''}; ${r.time}${r.commit ? ` at ${r.commit.slice(0, 8)}` : ''}`;
  const bar = byId('toolbar');
  clear(bar);
  html('button', { type: 'button', id: 'rerun' }, 'Run again', bar).addEventListener('click', () =>
    post({ type: 'rerun', allocators: r.allocators }),
  );
  const legend = byId('legend');
  clear(legend);
  r.allocators.forEach((a, i) => {
    const item = html('span', { class: `c${i % 6}` }, undefined, legend);
    html('span', { class: 'swatch' }, undefined, item);
    item.append(a);
  });
  const groups = (pick: (c: SuiteReport['rows'][number]['cells'][number]) => number | null) =>
    r.rows
      .filter((row) => !row.skipped)
      .map((row) => ({
        label: row.workload,
        values: r.allocators.map((a) => {
          const c = row.cells.find((x) => x.allocator === a);
          return c ? pick(c) : null;
        }),
      }));
  renderGroupedBars(
    byId('time-chart'),
    groups((c) => c.relTime),
    r.allocators,
    'time relative to the best allocator per row',
  );
  renderGroupedBars(
    byId('rss-chart'),
    groups((c) => c.relRss),
    r.allocators,
    'peak RSS relative to the best allocator per row',
  );
  relativeTable(byId('time-table'), r, (c) => c.relTime);
  relativeTable(byId('rss-table'), r, (c) => c.relRss);
  renderMeans(r);
  renderOs(r);
  const verdicts = byId('verdicts');
  clear(verdicts);
  for (const row of r.rows)
    for (const v of [...row.verdicts, ...(row.historyVerdict ? [row.historyVerdict] : [])])
      html('li', {}, `${row.workload}: ${v}`, verdicts);
  renderFailures(r);
  const history = byId('history');
  clear(history);
  headerRow(history, ['time', 'commit', ...r.allocators]);
  const tbody = html('tbody', {}, undefined, history);
  for (const h of m.history.filter((x) => x.quick === r.quick)) {
    const tr = html('tr', {}, undefined, tbody);
    html('td', {}, h.time, tr);
    html('td', {}, h.commit ? h.commit.slice(0, 8) : '—', tr);
    for (const a of r.allocators) html('td', {}, fixed(h.means.find((x) => x.allocator === a)?.relTime, 3), tr);
  }
  for (const id of ['means-section', 'time-section', 'rss-section', 'os-section']) show(id, true);
  show('verdicts-section', verdicts.childElementCount > 0);
  show('history-section', m.history.length > 0);
}

function onMessage(m: HostToSuitePage): void {
  if (m.type === 'progress') {
    show('progress', true);
    const inner = byId('progress').firstElementChild as HTMLElement;
    inner.style.width = `${Math.round(m.fraction * 100)}%`;
    byId('progress').setAttribute('aria-valuenow', String(Math.round(m.fraction * 100)));
    byId('progress-text').textContent = m.message;
  } else if (m.type === 'suite') render(m);
}

window.addEventListener('message', (event: MessageEvent<HostToSuitePage>) => onMessage(event.data));
const inline = document.getElementById('hakmem-suite-data');
if (inline?.textContent) onMessage(JSON.parse(inline.textContent) as SuiteResultMessage);
post({ type: 'ready' });
(window as unknown as { hakmemSuite: { sentMessages: SuitePageToHost[] } }).hakmemSuite = { sentMessages };

import { format } from 'd3-format';
import { foldedText } from '../../../server/src/profile/folded';
import { functionCount, functionModule, functionName, functionSource } from '../../../server/src/profile/model';
import { deserialiseModel } from '../../../server/src/profile/serialise';
import { speedscopeJson } from '../../../server/src/profile/speedscope';
import type { FlameViewState, HostToFlamePage, SerialisedProfile } from '../../../server/src/protocol/flamePage';
import { FlameCanvas, type Orientation } from './flameCanvas';
import { inWebview, postToHost, savedState, saveState } from './host';
import { flameKeyCommand } from './keyboard';
import { HotspotTable } from './table';
import { FlameLayout, matchedWeight, sandwich } from './layout';

type View = FlameViewState['view'];

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const pct = format('.2f');
const count = format(',.0f');

const graphScroll = byId<HTMLDivElement>('graph-scroll');
const graph = new FlameCanvas({
  canvas: byId<HTMLCanvasElement>('graph-canvas'),
  scroller: graphScroll,
  spacer: byId<HTMLDivElement>('graph-spacer'),
  orientation: 'flame',
});
// The sandwich meets at the chosen function: its callers grow upwards, its callees downwards.
const callersView = new FlameCanvas({ canvas: byId<HTMLCanvasElement>('sandwich-callers'), orientation: 'flame' });
const calleesView = new FlameCanvas({ canvas: byId<HTMLCanvasElement>('sandwich-callees'), orientation: 'icicle' });
const searchBox = byId<HTMLInputElement>('search');
const matchLabel = byId<HTMLSpanElement>('match');
const crumbs = byId<HTMLElement>('crumbs');
const tooltip = byId<HTMLDivElement>('tooltip');
const legend = byId<HTMLSpanElement>('legend');
const table = new HotspotTable(
  byId<HTMLTableElement>('hotspots'),
  (func, open) => pickFunction(func, open),
  () => persist(),
);

let tree: FlameLayout | undefined;
let title = 'profile';
let view: View = 'flame';
let sandwichFunc = -1;
let searchText = '';

function load(data: SerialisedProfile, state?: FlameViewState): void {
  const started = performance.now();
  try {
    tree = new FlameLayout(deserialiseModel(data));
  } catch (e) {
    showEmpty(`Cannot show this profile: ${(e as Error).message}`);
    return;
  }
  title = typeof data.title === 'string' && data.title ? data.title : 'profile';
  byId('title').textContent = title;
  document.title = title;
  graph.setTree(tree);
  table.setTree(tree);
  legend.textContent = tree.baselineSelf
    ? 'red: more time after, blue: less (normalised to equal totals)'
    : `${count(tree.rootTotal)} ${tree.model.unit}`;
  byId('empty').hidden = true;
  applyState(state ?? savedState());
  render();
  // The spacer has its height now, so the root row can be scrolled into view.
  graph.showRoot();
  if (view === 'flame' || view === 'icicle') graph.draw();
  document.body.dataset.paintMs = (performance.now() - started).toFixed(1);
  document.body.dataset.loaded = 'true';
}

function showEmpty(message: string): void {
  tree = undefined;
  graph.setTree(undefined);
  table.setTree(undefined);
  const empty = byId('empty');
  empty.textContent = message;
  empty.hidden = false;
  for (const id of ['graph-scroll', 'table-pane', 'sandwich']) byId(id).hidden = true;
}

function applyState(state: FlameViewState | undefined): void {
  if (!state || !tree) return;
  view = (['flame', 'icicle', 'sandwich', 'table'] as const).includes(state.view) ? state.view : 'flame';
  searchText = typeof state.search === 'string' ? state.search : '';
  searchBox.value = searchText;
  updateMatches();
  if (Array.isArray(state.zoomPath)) graph.zoomRoot = tree.findPath(state.zoomPath);
  if (state.sandwichFunction) sandwichFunc = findFunction(state.sandwichFunction);
  if (state.tableSort) table.sort = state.tableSort;
}

function findFunction(name: string): number {
  if (!tree) return -1;
  for (let f = 0; f < functionCount(tree.model); f++) if (functionName(tree.model, f) === name) return f;
  return -1;
}

function currentState(): FlameViewState {
  const zoomPath = tree
    ? tree
        .pathTo(graph.zoomRoot)
        .slice(1)
        .map((n) => tree!.name(n))
    : [];
  return {
    view,
    search: searchText,
    zoomPath,
    ...(tree && sandwichFunc >= 0 ? { sandwichFunction: functionName(tree.model, sandwichFunc) } : {}),
    tableSort: table.sort,
  };
}

function persist(): void {
  const state = currentState();
  saveState(state);
  postToHost({ type: 'state', state });
}

function render(): void {
  if (!tree) return;
  byId('graph-scroll').hidden = view !== 'flame' && view !== 'icicle';
  byId('table-pane').hidden = view !== 'table';
  byId('sandwich').hidden = view !== 'sandwich';
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-view]'))) {
    b.setAttribute('aria-pressed', String(b.dataset.view === view));
  }
  if (view === 'flame' || view === 'icicle') {
    const t0 = performance.now();
    graph.draw();
    document.body.dataset.drawMs = (performance.now() - t0).toFixed(1);
  } else if (view === 'sandwich') {
    renderSandwich();
  } else {
    table.selectedFunc = sandwichFunc;
    table.render();
  }
  renderCrumbs();
}

function setView(next: View): void {
  if (next === view) return;
  const orientationChanged = (next === 'flame' || next === 'icicle') && graph.options.orientation !== next;
  view = next;
  if (orientationChanged) graph.options.orientation = next as Orientation;
  render();
  if (orientationChanged) {
    graph.showRoot();
    graph.draw();
  }
  persist();
}

function renderCrumbs(): void {
  if (!tree) return;
  const path = tree.pathTo(graph.zoomRoot);
  const parts: Node[] = [];
  path.forEach((n, i) => {
    if (i > 0) parts.push(document.createTextNode(' › '));
    const b = document.createElement('button');
    b.textContent = n === 0 ? 'all' : tree!.name(n);
    b.addEventListener('click', () => zoomTo(n));
    parts.push(b);
  });
  crumbs.replaceChildren(...parts);
}

function zoomTo(node: number): void {
  if (!tree || node < 0) return;
  const t0 = performance.now();
  graph.zoomRoot = node;
  graph.selected = node;
  if (view !== 'flame' && view !== 'icicle') setView(graph.options.orientation);
  render();
  document.body.dataset.zoomMs = (performance.now() - t0).toFixed(1);
  persist();
}

function pickFunction(func: number, open: boolean): void {
  if (!tree || func < 0) return;
  if (open) {
    openFunction(func);
    return;
  }
  sandwichFunc = func;
  setView('sandwich');
  render();
  persist();
}

function openFunction(func: number): void {
  if (!tree || func < 0) return;
  const name = functionName(tree.model, func);
  const source = functionSource(tree.model, func);
  postToHost({
    type: 'openFunction',
    name,
    ...(source?.file ? { file: source.file } : {}),
    ...(source?.line ? { line: source.line } : {}),
  });
}

function renderSandwich(): void {
  if (!tree) return;
  if (sandwichFunc < 0) {
    const sel = graph.selected > 0 ? graph.selected : graph.zoomRoot;
    sandwichFunc = sel > 0 ? tree.func[sel]! : tree.size > 1 ? tree.func[tree.childIndex[tree.childStart[0]!]!]! : -1;
  }
  if (sandwichFunc < 0) return;
  const { callers, callees } = sandwich(tree, sandwichFunc);
  byId('sandwich-title').textContent =
    `${functionName(tree.model, sandwichFunc)} — ${pct((100 * callees.rootTotal) / (tree.rootTotal || 1))}% of total`;
  callersView.setTree(callers);
  calleesView.setTree(callees);
  callersView.matches = graph.matches;
  calleesView.matches = graph.matches;
  callersView.draw();
  calleesView.draw();
}

function updateMatches(): void {
  if (!tree) return;
  const text = searchText.trim();
  if (!text) {
    graph.matches = undefined;
    matchLabel.textContent = '';
    return;
  }
  let re: RegExp;
  try {
    re = new RegExp(text, 'i');
  } catch {
    re = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
  const matches = new Uint8Array(functionCount(tree.model));
  let any = 0;
  for (let f = 0; f < matches.length; f++) {
    if (re.test(functionName(tree.model, f))) {
      matches[f] = 1;
      any++;
    }
  }
  graph.matches = matches;
  const share = (100 * matchedWeight(tree, matches)) / (tree.rootTotal || 1);
  matchLabel.textContent = any ? `Matched: ${pct(share)}% of total` : 'No match';
  matchLabel.dataset.share = String(share);
}

function describe(t: FlameLayout, n: number): string {
  const all = t.rootTotal || 1;
  const f = t.func[n]!;
  const lines = [
    `Total: ${count(t.total[n]!)} (${pct((100 * t.total[n]!) / all)}%)`,
    `Self: ${count(t.self[n]!)} (${pct((100 * t.self[n]!) / all)}%)`,
  ];
  if (t.baselineSelf && t.baselineTotal) {
    const d = t.self[n]! - t.baselineSelf[n]!;
    lines.push(`Before: total ${count(t.baselineTotal[n]!)}, self ${count(t.baselineSelf[n]!)} (normalised)`);
    lines.push(`Self change: ${d > 0 ? '+' : ''}${pct((100 * d) / all)} points`);
  }
  if (f >= 0) {
    const source = functionSource(t.model, f);
    const module = functionModule(t.model, f);
    if (source?.file) lines.push(`${source.file}${source.line ? `:${source.line}` : ''}`);
    if (module) lines.push(module);
    if (inWebview) lines.push('Ctrl+click or G: open definition');
  }
  return lines.join('\n');
}

function showTooltip(t: FlameLayout, n: number, clientX: number, clientY: number): void {
  if (n < 0) {
    tooltip.hidden = true;
    return;
  }
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = t.name(n);
  const body = document.createElement('div');
  body.textContent = describe(t, n);
  tooltip.replaceChildren(name, body);
  tooltip.hidden = false;
  const x = Math.min(clientX + 12, window.innerWidth - tooltip.offsetWidth - 4);
  const y = clientY + 16 + tooltip.offsetHeight > window.innerHeight ? clientY - tooltip.offsetHeight - 8 : clientY + 16;
  tooltip.style.left = `${Math.max(0, x)}px`;
  tooltip.style.top = `${Math.max(0, y)}px`;
}

function wireCanvas(view: FlameCanvas, onClick: (node: number, e: MouseEvent) => void): void {
  const canvas = view.options.canvas;
  const point = (e: MouseEvent): number => {
    const r = canvas.getBoundingClientRect();
    return view.hit(e.clientX - r.left, e.clientY - r.top);
  };
  canvas.addEventListener('mousemove', (e) => {
    const n = point(e);
    if (n !== view.hovered) {
      view.hovered = n;
      view.draw();
    }
    if (view.tree) showTooltip(view.tree, n, e.clientX, e.clientY);
  });
  canvas.addEventListener('mouseleave', () => {
    view.hovered = -1;
    tooltip.hidden = true;
    view.draw();
  });
  canvas.addEventListener('click', (e) => {
    const n = point(e);
    if (n >= 0) onClick(n, e);
  });
}

wireCanvas(graph, (n, e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) openFunction(graph.tree!.func[n]!);
  else zoomTo(n);
});
for (const v of [callersView, calleesView]) {
  wireCanvas(v, (n, e) => {
    const f = v.tree!.func[n]!;
    if (e.ctrlKey || e.metaKey || e.altKey) openFunction(f);
    else if (f >= 0) pickFunction(f, false);
  });
}

/** Keyboard: what each key does is in keyboard.ts; here it is applied to the page. */
graph.options.canvas.addEventListener('keydown', (e) => {
  if (!tree) return;
  const command = flameKeyCommand(tree, graph, graph.options.orientation, e.key);
  if (!command) return;
  switch (command.kind) {
    case 'open':
      openFunction(tree.func[command.frame]!);
      return;
    case 'sandwich':
      pickFunction(tree.func[command.frame]!, false);
      return;
    case 'zoom':
      zoomTo(command.frame);
      e.preventDefault();
      return;
    case 'edge':
      e.preventDefault();
      return;
    case 'focus':
      e.preventDefault();
      focusFrame(tree, command.frame);
  }
});

/** Selects a frame, scrolls it into view and shows its tooltip as if hovered. */
function focusFrame(t: FlameLayout, frame: number): void {
  graph.selected = frame;
  graph.reveal(frame);
  graph.draw();
  const box = graph.box(frame);
  const r = graph.options.canvas.getBoundingClientRect();
  if (box) showTooltip(t, frame, r.left + Math.max(0, box.x) + 4, r.top + box.y);
}

let searchTimer: ReturnType<typeof setTimeout> | undefined;
searchBox.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    searchText = searchBox.value;
    updateMatches();
    render();
    persist();
  }, 80);
});
searchBox.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') graph.options.canvas.focus();
});
window.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== searchBox) {
    e.preventDefault();
    searchBox.focus();
  }
});

for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-view]'))) {
  b.addEventListener('click', () => setView(b.dataset.view as View));
}

function exportAs(formatName: 'folded' | 'speedscope'): void {
  if (!tree) return;
  const content = formatName === 'folded' ? foldedText(tree.model) : speedscopeJson(tree.model, title);
  const fileName = `${title.replace(/[^\w.-]+/g, '_')}.${formatName === 'folded' ? 'folded.txt' : 'speedscope.json'}`;
  if (inWebview) {
    postToHost({ type: 'export', format: formatName, fileName, content });
    return;
  }
  const url = URL.createObjectURL(new Blob([content], { type: formatName === 'folded' ? 'text/plain' : 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
byId('export-folded').addEventListener('click', () => exportAs('folded'));
byId('export-speedscope').addEventListener('click', () => exportAs('speedscope'));

graphScroll.addEventListener('scroll', () => graph.draw(), { passive: true });
new ResizeObserver(() => render()).observe(document.body);

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as HostToFlamePage | undefined;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'profile') load(message.model, message.state);
  else if (message.type === 'clear') showEmpty('No profile.');
});

const embedded = document.getElementById('hakmem-profile-data');
if (embedded?.textContent) {
  try {
    load(JSON.parse(embedded.textContent) as SerialisedProfile);
  } catch (e) {
    showEmpty(`Cannot read the embedded profile: ${(e as Error).message}`);
  }
}
postToHost({ type: 'ready' });

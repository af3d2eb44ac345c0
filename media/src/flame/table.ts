import { format } from 'd3-format';
import { select } from 'd3-selection';
import { functionWeights } from '../../../server/src/profile/hotspots';
import { functionCount, functionName } from '../../../server/src/profile/model';
import type { FlameLayout } from './layout';

export type SortColumn = 'name' | 'self' | 'total' | 'delta';

interface Row {
  readonly func: number;
  readonly name: string;
  readonly self: number;
  readonly total: number;
  readonly selfPct: number;
  readonly totalPct: number;
  /** Differential profiles: change of self share, in percentage points. */
  readonly delta: number;
}

/** Rows beyond this are summarised: the table is for finding the hot few, and DOM rows cost. */
const MAX_ROWS = 1000;
const pct = format('.2f');
const count = format(',.0f');

/** The hotspot table: one row per function, sortable by name, self, total (and change, for a diff). */
export class HotspotTable {
  sort: { column: SortColumn; descending: boolean } = { column: 'self', descending: true };
  private rows: Row[] = [];
  private diff = false;
  selectedFunc = -1;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly onPick: (func: number, open: boolean) => void,
    private readonly onSortChange: () => void,
  ) {
    for (const th of Array.from(table.tHead!.querySelectorAll('th'))) {
      const activate = (): void => {
        const column = th.dataset.sort as SortColumn;
        this.sort = { column, descending: this.sort.column === column ? !this.sort.descending : column !== 'name' };
        this.render();
        this.onSortChange();
      };
      th.addEventListener('click', activate);
      th.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          activate();
        }
      });
    }
  }

  setTree(tree: FlameLayout | undefined): void {
    this.rows = [];
    this.diff = !!tree?.baselineSelf;
    if (!tree) return this.render();
    const { self, total } = functionWeights(tree.model, false, tree);
    const before = this.diff ? functionWeights(tree.model, true, tree) : undefined;
    const all = tree.rootTotal || 1;
    for (let f = 0; f < functionCount(tree.model); f++) {
      if (total[f]! <= 0 && !(before && before.total[f]! > 0)) continue;
      this.rows.push({
        func: f,
        name: functionName(tree.model, f),
        self: self[f]!,
        total: total[f]!,
        selfPct: (100 * self[f]!) / all,
        totalPct: (100 * total[f]!) / all,
        delta: before ? (100 * (self[f]! - before.self[f]!)) / all : 0,
      });
    }
    this.render();
  }

  render(): void {
    const { column, descending } = this.sort;
    const sign = descending ? -1 : 1;
    const key = (r: Row): number | string =>
      column === 'name' ? r.name : column === 'self' ? r.self : column === 'total' ? r.total : r.delta;
    const sorted = [...this.rows].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = typeof ka === 'string' ? ka.localeCompare(kb as string) : ka - (kb as number);
      return sign * c || a.func - b.func;
    });
    const shown = sorted.slice(0, MAX_ROWS);
    this.table.querySelector<HTMLElement>('#delta-column')!.hidden = !this.diff;
    for (const th of Array.from(this.table.tHead!.querySelectorAll('th'))) {
      th.setAttribute('aria-sort', th.dataset.sort === column ? (descending ? 'descending' : 'ascending') : 'none');
    }
    const body = select(this.table.tBodies[0]!);
    body
      .selectAll<HTMLTableRowElement, Row>('tr')
      .data(shown)
      .join('tr')
      .classed('selected', (r) => r.func === this.selectedFunc)
      .attr('data-func', (r) => String(r.func))
      .on('click', (e, r) => this.onPick(r.func, (e as MouseEvent).ctrlKey || (e as MouseEvent).metaKey))
      .on('dblclick', (_e, r) => this.onPick(r.func, true));
    // Cells are filled as text: function names come from profiled binaries and are untrusted.
    const bodyEl = this.table.tBodies[0]!;
    Array.from(bodyEl.rows).forEach((tr, i) => {
      const r = shown[i]!;
      const cells = [r.name, count(r.self), pct(r.selfPct), pct(r.totalPct), (r.delta > 0 ? '+' : '') + pct(r.delta)];
      tr.replaceChildren(
        ...cells.slice(0, this.diff ? 5 : 4).map((text, k) => {
          const td = document.createElement('td');
          if (k === 0) td.className = 'name';
          td.textContent = text;
          return td;
        }),
      );
    });
    if (sorted.length > MAX_ROWS) {
      const tr = bodyEl.insertRow();
      const td = tr.insertCell();
      td.colSpan = this.diff ? 5 : 4;
      td.className = 'name';
      td.textContent = `… ${sorted.length - MAX_ROWS} more functions`;
    }
  }
}

// Grouped bars: one group per row, one bar per allocator, the value relative
// to the row's best (1 = best), with a dashed line at 1; bars beyond `cap`
// are clipped and labelled with their value (as mimalloc-bench's charts do).
import { clear, svg, svgText } from '../results/dom';

export interface BarGroup {
  readonly label: string;
  /** Per allocator in legend order; null when not measured. */
  readonly values: readonly (number | null)[];
}

const CAP = 3;

export function renderGroupedBars(host: HTMLElement, groups: readonly BarGroup[], allocators: readonly string[], what: string): void {
  clear(host);
  const barW = 12;
  const groupW = allocators.length * barW + 14;
  const height = 160;
  const top = 12;
  const left = 34;
  const width = left + groups.length * groupW + 10;
  const root = svg('svg', { width, height: height + 60, role: 'img', 'aria-label': what }, host);
  const y = (v: number): number => top + height - (Math.min(v, CAP) / CAP) * height;
  for (const tick of [0, 1, 2, 3]) {
    svg('line', { class: tick === 1 ? 'one' : 'axis', x1: left - 4, x2: width, y1: y(tick), y2: y(tick) }, root);
    svgText(`${tick}×`, { x: left - 8, y: y(tick) + 4, 'text-anchor': 'end' }, root);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + 7;
    g.values.forEach((v, ai) => {
      if (v === null || !Number.isFinite(v)) return;
      const rect = svg('rect', { class: `bar c${ai % 6}`, x: x0 + ai * barW, y: y(v), width: barW - 2, height: y(0) - y(v) }, root);
      svg('title', {}, rect).textContent = `${g.label} · ${allocators[ai]}: ${v.toFixed(2)}×`;
      if (v > CAP) svgText(v.toFixed(1), { x: x0 + ai * barW + 5, y: top - 2, 'text-anchor': 'middle' }, root);
    });
    svgText(
      g.label,
      {
        x: x0 + (allocators.length * barW) / 2,
        y: top + height + 14,
        'text-anchor': 'end',
        transform: `rotate(-35 ${x0 + (allocators.length * barW) / 2} ${top + height + 14})`,
      },
      root,
    );
  });
}

// Trend over commits: each series' median per recorded run, oldest left, with
// its 95% CI as a band. Points are focusable and say what they show.
import type { TrendPoint } from '../../../server/src/protocol/resultsPage';
import { area, formatRate, line, scaleLinear } from './d3';
import { clear, html, svg, svgText } from './dom';

const HEIGHT = 180;
const LEFT = 48;
const BOTTOM = 34;
const PALETTE_SIZE = 6;

function runKey(p: TrendPoint): string {
  return p.time;
}

function commitLabel(p: TrendPoint): string {
  return p.commit ? `${p.commit.slice(0, 7)}${p.dirty ? '*' : ''}` : 'no git';
}

export function renderTrend(container: HTMLElement, legend: HTMLElement, points: readonly TrendPoint[], width: number): void {
  clear(container);
  clear(legend);
  if (points.length === 0) return;
  const runs = [...new Set(points.map(runKey))].sort();
  const series = [...new Set(points.map((p) => p.label))];
  const plotWidth = Math.max(100, width - LEFT - 12);
  const x = scaleLinear()
    .domain(runs.length > 1 ? [0, runs.length - 1] : [-1, 1])
    .range([LEFT, LEFT + plotWidth]);
  const values = points.flatMap((p) => [p.ci95[0], p.ci95[1], p.median]).filter(Number.isFinite);
  const y = scaleLinear()
    .domain([Math.min(...values) * 0.95, Math.max(...values) * 1.05])
    .range([HEIGHT - BOTTOM, 8])
    .nice(4);
  const xOf = (p: TrendPoint): number => x(runs.indexOf(runKey(p)));
  const root = svg(
    'svg',
    { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'group', 'aria-label': 'median throughput per commit' },
    container,
  );

  const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' }, root);
  svg('line', { x1: LEFT, x2: LEFT + plotWidth, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM }, axis);
  for (const t of y.ticks(4)) svgText(formatRate(t), { x: LEFT - 6, y: y(t) + 4, 'text-anchor': 'end' }, axis);
  const every = Math.max(1, Math.ceil(runs.length / Math.max(1, Math.floor(plotWidth / 60))));
  runs.forEach((run, i) => {
    if (i % every !== 0 && i !== runs.length - 1) return;
    const p = points.find((q) => runKey(q) === run)!;
    svgText(commitLabel(p), { x: x(i), y: HEIGHT - BOTTOM + 16, 'text-anchor': 'middle' }, axis);
  });

  series.forEach((name, si) => {
    const cls = `c${si % PALETTE_SIZE}`;
    const own = points.filter((p) => p.label === name).sort((a, b) => runKey(a).localeCompare(runKey(b)));
    const g = svg('g', { class: `trend-series ${cls}`, 'data-series': name }, root);
    const band = area<TrendPoint>()
      .x(xOf)
      .y0((p) => y(p.ci95[0]))
      .y1((p) => y(p.ci95[1]))(own);
    if (band) svg('path', { class: 'trend-band', d: band }, g);
    const path = line<TrendPoint>()
      .x(xOf)
      .y((p) => y(p.median))(own);
    if (path) svg('path', { class: 'trend-line', d: path }, g);
    for (const p of own) {
      const label = `${name} at ${commitLabel(p)} (${p.time.slice(0, 16).replace('T', ' ')}): median ${formatRate(p.median)} ops/s`;
      const pt = svg('g', { class: 'trend-point', tabindex: 0, role: 'img', 'aria-label': label }, g);
      svg('title', {}, pt).textContent = label;
      svg('circle', { cx: xOf(p), cy: y(p.median), r: 3.5 }, pt);
    }
    const item = html('span', { class: cls });
    html('span', { class: 'swatch', 'aria-hidden': 'true' }, undefined, item);
    item.append(name);
    legend.appendChild(item);
  });
}

// Horizontal bars: one row per series, the median as the bar, the 95% CI of the
// median as a whisker, and every measured run as a dot. Rows stack label-above-
// bar so the chart stays readable in a narrow panel.
import { seriesLabel, type BenchRecord } from '../../../server/src/bench/record';
import { formatRate, scaleLinear } from './d3';
import { clear, svg, svgText } from './dom';

const ROW = 44;
const BAR = 16;
const TOP = 4;
const AXIS = 24;
const VALUE_ROOM = 54;

export function renderBars(container: HTMLElement, records: readonly BenchRecord[], width: number): void {
  clear(container);
  if (records.length === 0) return;
  const plotWidth = Math.max(120, width - VALUE_ROOM);
  const top = Math.max(...records.flatMap((r) => [r.summary.ci95[1], r.summary.max]).filter(Number.isFinite), 1);
  const x = scaleLinear().domain([0, top]).range([0, plotWidth]).nice(4);
  const height = TOP + records.length * ROW + AXIS;
  const root = svg(
    'svg',
    {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'group',
      'aria-label': 'median throughput per series with 95% confidence intervals',
    },
    container,
  );

  records.forEach((r, i) => {
    const y = TOP + i * ROW;
    const s = r.summary;
    const name = seriesLabel(r);
    const label = `${name}: median ${formatRate(s.median)} ops/s, 95% CI ${formatRate(s.ci95[0])} to ${formatRate(s.ci95[1])}, ${s.runs} runs`;
    const g = svg('g', { class: 'bar-group', tabindex: 0, role: 'img', 'aria-label': label, 'data-series': name }, root);
    svg('title', {}, g).textContent = label;
    svgText(name, { x: 0, y: y + 11, class: 'bar-label' }, g);
    const barY = y + 16;
    svg('rect', { class: 'bar', x: 0, y: barY, width: Math.max(1, x(s.median)), height: BAR }, g);
    const lo = x(s.ci95[0]);
    const hi = x(s.ci95[1]);
    const mid = barY + BAR / 2;
    // Whisker: the interval, with caps at both ends.
    svg('line', { class: 'whisker', x1: lo, x2: hi, y1: mid, y2: mid }, g);
    svg('line', { class: 'whisker whisker-cap', x1: lo, x2: lo, y1: mid - 5, y2: mid + 5 }, g);
    svg('line', { class: 'whisker whisker-cap', x1: hi, x2: hi, y1: mid - 5, y2: mid + 5 }, g);
    for (const sample of r.samples) svg('circle', { class: 'sample', cx: x(sample.opsPerSec), cy: barY + BAR + 3, r: 1.6 }, g);
    svgText(formatRate(s.median), { x: Math.max(hi, x(s.median)) + 6, y: mid + 4, class: 'bar-value' }, g);
  });

  const axisY = TOP + records.length * ROW + 4;
  const axis = svg('g', { class: 'axis', 'aria-hidden': 'true' }, root);
  svg('line', { x1: 0, x2: plotWidth, y1: axisY, y2: axisY }, axis);
  for (const t of x.ticks(Math.max(2, Math.floor(plotWidth / 80)))) {
    svg('line', { x1: x(t), x2: x(t), y1: axisY, y2: axisY + 4 }, axis);
    svgText(formatRate(t), { x: x(t), y: axisY + 16, 'text-anchor': 'middle' }, axis);
  }
}

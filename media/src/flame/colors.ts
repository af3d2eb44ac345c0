import { scaleLinear } from 'd3-scale';
import { FrameKind } from '../../../server/src/profile/model';

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/**
 * The classic flamegraph palette: warm colours for user code varied by name (so
 * neighbours differ, and a function keeps its colour across profiles), orange
 * for the kernel, aqua for inlined frames, grey when the symbol is unknown.
 */
export function frameColor(name: string, kind: number): string {
  const v = hash(name);
  switch (kind) {
    case FrameKind.kernel:
      return `hsl(${25 + v * 10}, 85%, ${55 + v * 10}%)`;
    case FrameKind.inlined:
      return `hsl(${175 + v * 15}, 55%, ${55 + v * 10}%)`;
    case FrameKind.unknown:
      return `hsl(0, 0%, ${62 + v * 12}%)`;
    default:
      return `hsl(${v * 55}, ${75 + v * 15}%, ${55 + v * 8}%)`;
  }
}

export const SEARCH_MATCH = 'rgb(230, 0, 230)';
export const LABEL = '#000000';

/** Differential colouring: red where "after" spends more than "before" (normalised), blue where less. */
export function diffScale(maxAbsDelta: number): (delta: number) => string {
  const m = maxAbsDelta > 0 ? maxAbsDelta : 1;
  const s = scaleLinear<string>().domain([-m, 0, m]).range(['rgb(60, 110, 230)', 'rgb(235, 235, 235)', 'rgb(230, 50, 50)']).clamp(true);
  return (delta) => s(delta);
}

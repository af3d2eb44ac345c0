// The verdict in words (the same wording as the CLI).
import type { ComparisonView } from '../../../server/src/bench/messages';
import { formatChange } from './d3';

export function verdictWord(c: ComparisonView): string {
  return c.verdict === 'no significant change' ? 'no significant change' : c.verdict;
}

export function verdictDetail(c: ComparisonView): string {
  const p = c.pValue < 0.001 ? c.pValue.toExponential(1) : c.pValue.toFixed(3);
  const noise = (c.noiseThreshold * 100).toFixed(c.noiseThreshold * 100 < 1 ? 1 : 0);
  const core = `${formatChange(c.ratio)} (95% CI ${formatChange(c.ci95[0])} to ${formatChange(c.ci95[1])}, p = ${p})`;
  return c.verdict === 'no significant change'
    ? `${core}; a change needs p < 0.05 and the whole interval beyond ±${noise}%`
    : core;
}

export function againstText(c: ComparisonView): string {
  if (c.against === 'suite') return `vs ${c.baseline.label}`;
  const commit = c.baseline.commit ? ` (${c.baseline.commit.slice(0, 7)})` : '';
  return c.against === 'pinned' ? `vs pinned baseline${commit}` : `vs last run on another commit${commit}`;
}

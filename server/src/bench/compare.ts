// Summaries of a series and comparisons between two records.
import { seriesLabel, type BenchRecord, type Comparison, type Sample, type SeriesSummary } from './record';
import { bootstrapInterval, compareSamples, mad, mean, median, stddev } from './stats';

export const DEFAULT_NOISE_THRESHOLD = 0.01;

export function summarize(samples: readonly Sample[]): SeriesSummary {
  const values = samples.map((s) => s.opsPerSec);
  const rss = samples.map((s) => s.maxRssKb).filter((v): v is number => v !== null);
  const m = mean(values);
  const ci = bootstrapInterval(values, median);
  return {
    runs: values.length,
    median: median(values),
    mad: mad(values),
    mean: m,
    cv: values.length > 1 && m > 0 ? stddev(values) / m : 0,
    min: Math.min(...values),
    max: Math.max(...values),
    ci95: [ci.low, ci.high],
    medianMaxRssKb: rss.length > 0 ? median(rss) : null,
    medianSeconds: median(samples.map((s) => s.seconds)),
  };
}

/** Compares `candidate` against `baseline` (ops/s, higher is better). */
export function compareRecords(
  baseline: BenchRecord,
  candidate: BenchRecord,
  threshold: number = DEFAULT_NOISE_THRESHOLD,
  against: Comparison['against'] = 'suite',
): Comparison {
  const stats = compareSamples(
    baseline.samples.map((s) => s.opsPerSec),
    candidate.samples.map((s) => s.opsPerSec),
    { noiseThreshold: threshold },
  );
  const side = (r: BenchRecord): Comparison['baseline'] => ({ label: seriesLabel(r), recordId: r.id, commit: r.git?.commit ?? null });
  return { ...stats, baseline: side(baseline), candidate: side(candidate), against };
}

/** "+3.2% [+1.9%, +4.4%]" style percentages for a ratio. */
export function formatChange(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  const pct = (ratio - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

/** The verdict in words, as the CLI and the results page say it. */
export function describeComparison(c: Comparison): string {
  const ci = `95% CI ${formatChange(c.ci95[0])} to ${formatChange(c.ci95[1])}`;
  const p = `p = ${c.pValue < 0.001 ? c.pValue.toExponential(1) : c.pValue.toFixed(3)}`;
  const noise = `${(c.noiseThreshold * 100).toFixed(c.noiseThreshold * 100 < 1 ? 1 : 0)}%`;
  if (c.verdict === 'no significant change') {
    return `${c.candidate.label} vs ${c.baseline.label}: no significant change (${formatChange(c.ratio)}, ${ci}, ${p}; a change needs p < 0.05 and the whole interval beyond ±${noise})`;
  }
  return `${c.candidate.label} is ${c.verdict} than ${c.baseline.label}: ${formatChange(c.ratio)} (${ci}, ${p})`;
}

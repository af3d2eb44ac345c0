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

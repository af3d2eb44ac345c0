// Summaries of a series and comparisons between two records.
import type { LookBoundary, SidesToCompare } from './design';
import { estimateOf } from './design';
import { seriesLabel, type BenchRecord, type Comparison, type Sample, type SeriesSummary } from './record';
import { decideAt, runsNeeded, unpairedEstimate, type Decision } from './sequential';
import { bootstrapInterval, compareSamples, mad, mean, median, stddev, type Verdict } from './stats';

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

function side(r: BenchRecord): Comparison['baseline'] {
  return { label: seriesLabel(r), recordId: r.id, commit: r.git?.commit ?? null };
}

/** The old three-valued verdict of a decision, for readers that know only it. */
export function verdictOf(decision: Decision): Verdict {
  return decision === 'faster' || decision === 'slower' ? decision : 'no significant change';
}

/** Runs needed, as JSON can carry it (null: no number of runs would decide). */
function needed(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/**
 * Compares `candidate` against `baseline` (ops/s, higher is better) as two
 * independent samples of fixed size: Mann-Whitney and the bootstrap interval of
 * the Hodges-Lehmann ratio; equivalent when that interval lies inside ±threshold.
 */
export function compareRecords(
  baseline: BenchRecord,
  candidate: BenchRecord,
  threshold: number = DEFAULT_NOISE_THRESHOLD,
  against: Comparison['against'] = 'suite',
): Comparison {
  const a = baseline.samples.map((s) => s.opsPerSec);
  const b = candidate.samples.map((s) => s.opsPerSec);
  const stats = compareSamples(a, b, { noiseThreshold: threshold });
  const inside = stats.ci95[0] > 1 - threshold && stats.ci95[1] < 1 + threshold;
  const decision: Decision = stats.verdict !== 'no significant change' ? stats.verdict : inside ? 'equivalent' : 'undecided';
  return {
    ...stats,
    decision,
    paired: false,
    runs: candidate.samples.length,
    ...(decision === 'undecided' ? { runsNeeded: needed(runsNeeded(unpairedEstimate(a, b), threshold)) } : {}),
    baseline: side(baseline),
    candidate: side(candidate),
    against,
  };
}

/**
 * A comparison judged at a look of the run's design: per-pair ratios when the
 * series ran round by round together, the repeated confidence interval of the
 * look's boundary, and the decision it supports.
 */
export function compareAtLook(
  baseline: BenchRecord,
  candidate: BenchRecord,
  paired: boolean,
  look: LookBoundary,
  threshold: number,
  against: Comparison['against'],
): Comparison {
  const sides: SidesToCompare = { baseline: baseline.samples, candidate: candidate.samples, paired };
  const est = estimateOf(sides, false);
  const d = decideAt(est, look.critical, threshold);
  return {
    ratio: d.ratio,
    medianRatio: median(candidate.samples.map((s) => s.opsPerSec)) / median(baseline.samples.map((s) => s.opsPerSec)),
    ci95: d.interval,
    pValue: d.pValue,
    verdict: verdictOf(d.decision),
    method: paired ? 'paired-t' : 'welch-t',
    noiseThreshold: threshold,
    decision: d.decision,
    paired,
    runs: est.n,
    ...(d.decision === 'undecided' ? { runsNeeded: needed(runsNeeded(est, threshold, look.critical)) } : {}),
    ...(look.of > 1 ? { look } : {}),
    baseline: side(baseline),
    candidate: side(candidate),
    against,
  };
}

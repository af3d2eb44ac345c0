// The verdict as the question is asked: the allocator under development is the
// subject ("hakmem is 2.06× slower than tcmalloc"), the headline shows the
// comparison that matters most, and a noisy run says so and what to do.
import type { LookBoundary } from './design';
import type { BenchRecord, Comparison, StopReason } from './record';
import { seriesLabel } from './record';
import { mad, median } from './stats';

/** Allocators that are peers, never the one under development. */
const PEERS = new Set(['system', 'glibc', 'mimalloc', 'jemalloc', 'tcmalloc']);

/** A series' coefficient of variation above this makes the run unreliable. */
export const NOISY_CV = 0.05;
/** A run further than this many (normal-scaled) MADs from the median is an outlier. */
const OUTLIER_MADS = 3.5;

/**
 * The stated rule for discarding a first run (cold caches, page faults, CPU
 * frequency ramp): the first measured run is an outlier when it lies more than
 * OUTLIER_MADS normal-scaled MADs from the median of the series' other runs
 * (at least four of them). Checked once, at the first look.
 */
export function firstRunIsOutlier(values: readonly number[]): boolean {
  if (values.length < 5) return false;
  const rest = values.slice(1);
  const m = median(rest);
  const spread = 1.4826 * mad(rest);
  return spread > 0 && Math.abs(values[0]! - m) > OUTLIER_MADS * spread;
}

export const FIRST_RUN_RULE = `the first run is dropped (with its pair) when it lies more than ${OUTLIER_MADS} scaled MADs from the median of the other runs`;

/** True for the bundled allocator (any build) and for a user's own library. */
export function isUnderDevelopment(allocator: string): boolean {
  return !PEERS.has(allocator);
}

/**
 * The pairs a run compares, as [baseline, candidate]: the series under
 * development (the first whose allocator is hakmem, a hakmem build or the
 * user's own library) against every other, so it is the subject of each
 * sentence; among peers only, every series against the first.
 */
export function suitePairs<R extends { readonly allocator: { readonly name: string } }>(records: readonly R[]): Array<[R, R]> {
  const i = records.findIndex((r) => isUnderDevelopment(r.allocator.name));
  if (i < 0) return records.slice(1).map((r) => [records[0]!, r]);
  const subject = records[i]!;
  return records.filter((r) => r !== subject).map((r) => [r, subject]);
}

/** How a series is named in a sentence: the system allocator is glibc here. */
function spoken(label: string): string {
  return label.replace(/^system\b/, 'glibc');
}

function pct(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  const p = (ratio - 1) * 100;
  return `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(1)}%`;
}

function times(ratio: number): string {
  return `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×`;
}

/** The parts of a verdict sentence, so the page can style them and the CLI can join them. */
export interface VerdictWords {
  /** The series under test: "hakmem". */
  readonly subject: string;
  /** "2.06× slower", "1.42× faster" or "no significant change". */
  readonly change: string;
  /** "than tcmalloc", "than hakmem at 1287b5d3", or "vs tcmalloc" for no change. */
  readonly against: string;
  /** The evidence: percent change, interval, p-value (and the rule when nothing was called). */
  readonly detail: string;
}

function thresholdText(threshold: number): string {
  return `±${(threshold * 100).toFixed(threshold * 100 < 1 ? 1 : 0)}%`;
}

function runsText(n: number): string {
  return `${n} run${n === 1 ? '' : 's'}`;
}

/** "it would need about 140 runs", or why no number of runs would do. */
function neededText(c: Comparison): string {
  if (c.runsNeeded === undefined) return '';
  if (c.runsNeeded === null) return '; the change sits on the threshold: no number of runs would decide it';
  return `; the change is below what this machine can resolve in ${runsText(c.runs)}; it would need about ${runsText(c.runsNeeded)}`;
}

export function verdictWords(c: Comparison): VerdictWords {
  const other =
    c.against === 'suite'
      ? spoken(c.baseline.label)
      : `${spoken(c.baseline.label)} ${c.against === 'pinned' ? 'pinned at' : 'at'} ${c.baseline.commit ? c.baseline.commit.slice(0, 8) : 'an earlier run'}`;
  const p = `p = ${c.pValue < 0.001 ? c.pValue.toExponential(1) : c.pValue.toFixed(3)}`;
  const interval = c.look ? '95% repeated CI' : '95% CI';
  const how = c.paired ? `, ${c.runs} pairs` : '';
  const evidence = `${pct(c.ratio)}, ${interval} ${pct(c.ci95[0])} to ${pct(c.ci95[1])}, ${p}${how}`;
  const subject = spoken(c.candidate.label);
  const noise = thresholdText(c.noiseThreshold);
  if (c.decision === 'equivalent') {
    return {
      subject,
      change: `equivalent within ${noise}`,
      against: `to ${other}`,
      detail: `(${evidence}; the whole interval lies inside ${noise})`,
    };
  }
  if (c.decision === 'undecided') {
    return {
      subject,
      change: `undecided after ${runsText(c.runs)}`,
      against: `vs ${other}`,
      detail: `(${evidence}; a change needs the whole interval beyond ${noise}, no change needs it inside${neededText(c)})`,
    };
  }
  // ratio is subject/other in ops/s: below 1 the subject is slower by 1/ratio.
  const change = c.decision === 'faster' ? `${times(c.ratio)} faster` : `${times(1 / c.ratio)} slower`;
  return { subject, change, against: `than ${other}`, detail: `(${evidence})` };
}

/** "hakmem is 2.06× slower than tcmalloc (−51.4%, 95% CI …, p = …)". */
export function verdictSentence(c: Comparison): string {
  const w = verdictWords(c);
  if (c.decision === 'undecided') return `${w.subject} ${w.against}: ${w.change} ${w.detail}`;
  return `${w.subject} is ${w.change} ${w.against} ${w.detail}`;
}

/** Why the run stopped, in words: "stopped after 10 of 30 runs: every comparison decided at look 2 of 6". */
export function stopSentence(
  stopped: StopReason,
  runsUsed: number,
  budgetRuns: number,
  budgetSeconds: number | null,
  look: LookBoundary,
  comparisons: readonly Comparison[],
): string {
  const undecided = comparisons.filter((c) => c.decision === 'undecided').length;
  const left = undecided > 0 ? ` with ${undecided} comparison${undecided > 1 ? 's' : ''} undecided` : '';
  const alpha = `alpha spent ${look.spentAlpha > 0 && look.spentAlpha < 0.001 ? look.spentAlpha.toExponential(1) : look.spentAlpha.toFixed(3)}`;
  switch (stopped) {
    case 'decided':
      return `stopped after ${runsUsed} of ${runsText(budgetRuns)}: every comparison decided at look ${look.index} of ${look.of} (${alpha})`;
    case 'budget-runs':
      return `stopped after ${runsText(runsUsed)}: the budget was spent${left} (${alpha})`;
    case 'budget-seconds':
      return `stopped after ${runsText(runsUsed)}: the ${budgetSeconds} s budget was spent${left} (${alpha})`;
    case 'fixed':
      return `ran the fixed ${runsText(runsUsed)} and judged once`;
    case 'nothing-to-compare':
      return `ran the budget of ${runsText(runsUsed)}: nothing to compare against (one series and no earlier run on another commit)`;
    case 'failed':
      return `stopped after ${runsText(runsUsed)}: the runs failed before anything could be decided`;
  }
}

/**
 * The comparison that matters most: the worst significant one (lowest ratio;
 * a slowdown before any speed-up), or undefined when nothing is significant.
 */
export function mostImportant(comparisons: readonly Comparison[]): Comparison | undefined {
  let worst: Comparison | undefined;
  for (const c of comparisons) {
    if (c.decision !== 'faster' && c.decision !== 'slower') continue;
    if (!worst || c.ratio < worst.ratio) worst = c;
  }
  return worst;
}

/** Why a series cannot be trusted, in words; empty when it can. */
export function reliabilityProblems(record: Pick<BenchRecord, 'allocator' | 'knobs' | 'samples' | 'summary'>): string[] {
  const label = spoken(seriesLabel(record));
  const problems: string[] = [];
  const { cv, runs } = record.summary;
  if (runs > 1 && cv > NOISY_CV) problems.push(`${label} varies by CV ${(cv * 100).toFixed(1)}% (above ${(NOISY_CV * 100).toFixed(0)}%)`);
  const values = record.samples.map((s) => s.opsPerSec);
  if (values.length >= 5) {
    const m = median(values);
    const spread = 1.4826 * mad(values);
    const outliers = spread > 0 ? values.filter((v) => Math.abs(v - m) > OUTLIER_MADS * spread).length : 0;
    if (outliers > 0) problems.push(`${label} has ${outliers} outlier run${outliers > 1 ? 's' : ''} of ${values.length}`);
  }
  return problems;
}

/** One warning for the whole run, or undefined when every series is steady. */
export function reliabilityWarning(
  records: readonly Pick<BenchRecord, 'allocator' | 'knobs' | 'samples' | 'summary'>[],
): string | undefined {
  const problems = records.flatMap(reliabilityProblems);
  if (problems.length === 0) return undefined;
  return (
    `Unreliable run: ${problems.join('; ')}. Noise this large can hide a real change or invent one: ` +
    'use more runs, a quieter machine (close builds, browsers and indexers), or pin the benchmark to CPUs (taskset -c 1).'
  );
}

/** The status bar's line: the benchmark, then the comparison that matters most. */
export function headline(benchmark: string, comparisons: readonly Comparison[], seriesMeasured: number, noisy: boolean): string {
  const flag = noisy ? ' · noisy' : '';
  const worst = mostImportant(comparisons);
  if (worst) {
    const w = verdictWords(worst);
    return `${benchmark}: ${w.subject} ${w.change} ${w.against}${flag}`;
  }
  if (comparisons.length > 0 && comparisons.every((c) => c.decision === 'equivalent')) {
    return `${benchmark}: equivalent within ${thresholdText(comparisons[0]!.noiseThreshold)}${flag}`;
  }
  if (comparisons.length > 0) return `${benchmark}: no decided change${flag}`;
  return `${benchmark}: ${seriesMeasured} series measured${flag}`;
}

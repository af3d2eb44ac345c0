// Simulated benchmark comparisons through the product's own design code
// (LookSchedule, decideAll, roundOrder): a baseline A and a candidate B run
// round by round in alternating order, with normal noise of a given CV and a
// linear drift of the machine over the run, seeded so every run of a test or
// figure sees the same numbers.
import { decideAll, estimateOf, LookSchedule, type SidesToCompare } from '../../server/src/bench/design';
import type { Sample } from '../../server/src/bench/record';
import { roundOrder } from '../../server/src/bench/rounds';
import type { Decision } from '../../server/src/bench/sequential';
import { compareSamples, normalSource, seededRandom } from '../../server/src/bench/stats';

export interface Scenario {
  /** True relative change of B against A (0.03: B does 3% more work per second). */
  readonly shift: number;
  readonly cv: number;
  /** Budget in runs per series. */
  readonly budget: number;
  /** Relative change of the machine's speed from the first to the last run of the budget. */
  readonly drift?: number;
  readonly threshold?: number;
}

export interface SimOutcome {
  readonly decision: Decision;
  readonly runsUsed: number;
}

type Noise = () => number;

/** The samples of a full budget: slot j of the run is slowed by the drift at j. */
export function simulateSamples(s: Scenario, gaussian: Noise): { a: Sample[]; b: Sample[] } {
  const a: Sample[] = [];
  const b: Sample[] = [];
  const slots = 2 * s.budget;
  let slot = 0;
  for (let round = 0; round < s.budget; round++) {
    for (const which of roundOrder(['a', 'b'] as const, round)) {
      const machine = 1 - (s.drift ?? 0) * (slot++ / slots);
      const center = which === 'a' ? 1e6 : 1e6 * (1 + s.shift);
      const value = center * machine * (1 + s.cv * gaussian());
      const sample: Sample = { index: round, opsPerSec: value, seconds: 1, wallSeconds: 1, maxRssKb: null, exitStatus: 0 };
      (which === 'a' ? a : b).push(sample);
    }
  }
  return { a, b };
}

/** One comparison under the sequential design: stops at the first look that decides. */
export function sequentialOutcome(s: Scenario, gaussian: Noise): SimOutcome {
  const { a, b } = simulateSamples(s, gaussian);
  const schedule = new LookSchedule(s.budget, null, true);
  for (const n of schedule.looks) {
    const sides: SidesToCompare = { baseline: a.slice(0, n), candidate: b.slice(0, n), paired: true };
    const last = n === schedule.maxRuns;
    const [d] = decideAll([sides], schedule.boundary(n, last), s.threshold ?? 0.01, false);
    if (d!.decision !== 'undecided' || last) return { decision: d!.decision, runsUsed: n };
  }
  throw new Error('unreachable: the last look always returns');
}

/** Today's fixed-N verdict on the same kind of samples (unpaired Mann-Whitney and bootstrap interval). */
export function fixedOutcome(s: Scenario, gaussian: Noise, resamples = 500): SimOutcome {
  const { a, b } = simulateSamples(s, gaussian);
  const c = compareSamples(
    a.map((x) => x.opsPerSec),
    b.map((x) => x.opsPerSec),
    { noiseThreshold: s.threshold ?? 0.01, resamples },
  );
  return { decision: c.verdict === 'no significant change' ? 'undecided' : c.verdict, runsUsed: s.budget };
}

/** Width (log scale) of the final 95% interval with pairs, and without them, on the same samples. */
export function intervalWidths(s: Scenario, gaussian: Noise): { paired: number; unpaired: number } {
  const { a, b } = simulateSamples(s, gaussian);
  const width = (paired: boolean): number => estimateOf({ baseline: a, candidate: b, paired }, false).standardError;
  return { paired: width(true), unpaired: width(false) };
}

export interface Tally {
  readonly faster: number;
  readonly slower: number;
  readonly equivalent: number;
  readonly undecided: number;
  readonly runs: number[];
}

export function tally(trials: number, seed: number, one: (g: Noise) => SimOutcome): Tally {
  const gaussian = normalSource(seededRandom(seed));
  const counts = { faster: 0, slower: 0, equivalent: 0, undecided: 0 };
  const runs: number[] = [];
  for (let t = 0; t < trials; t++) {
    const o = one(gaussian);
    counts[o.decision]++;
    runs.push(o.runsUsed);
  }
  runs.sort((x, y) => x - y);
  return { ...counts, runs };
}

export function quantileOfRuns(sortedRuns: readonly number[], q: number): number {
  return sortedRuns[Math.min(sortedRuns.length - 1, Math.floor(q * sortedRuns.length))]!;
}

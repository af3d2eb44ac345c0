// The plan of a run: its budget, the looks at which the data are judged, the
// alpha spent at each, and what each look decides for the comparisons of the
// suite. The statistics are in sequential.ts; this module applies them to the
// samples as the rounds come in.
import type { NoiseReduction, Sample, StopReason } from './record';
import {
  decideAt,
  pairedEstimate,
  pairedLogRatios,
  planLooks,
  spendingBoundaries,
  unpairedEstimate,
  type Estimate,
  type LookDecision,
} from './sequential';

export const DESIGN_ALPHA = 0.05;
export const DESIGN_METHOD =
  "group-sequential: Lan-DeMets alpha spending of O'Brien-Fleming type, repeated 95% confidence intervals of the per-pair ratio";

export interface DesignLook {
  /** Runs per series at this look. */
  readonly runs: number;
  /** Two-sided normal boundary |z| of this look. */
  readonly critical: number;
  /** Alpha spent up to and including this look. */
  readonly spentAlpha: number;
  /** Whether the data were judged at this look (looks after the stop were not). */
  readonly taken: boolean;
}

/** What `--json` and the page carry about how the run was planned and why it stopped. */
export interface SuiteDesign {
  readonly kind: 'group-sequential' | 'fixed';
  readonly method: string;
  readonly alpha: number;
  readonly budgetRuns: number;
  readonly budgetSeconds: number | null;
  readonly looks: readonly DesignLook[];
  /** Alpha spent by the looks taken. */
  readonly spentAlpha: number;
  readonly runsUsed: number;
  readonly stopped: StopReason;
  /** Why it stopped, in words. */
  readonly reason: string;
  readonly noise: NoiseReduction;
}

/** The boundary a comparison was judged with. */
export interface LookBoundary {
  readonly index: number;
  readonly of: number;
  readonly critical: number;
  readonly spentAlpha: number;
}

/** One comparison the run decides: two sides' samples and whether they pair. */
export interface SidesToCompare {
  readonly baseline: readonly Sample[];
  readonly candidate: readonly Sample[];
  readonly paired: boolean;
}

/** The estimate a look decides on; `dropFirst` leaves out round 0 (the first-run rule fired). */
export function estimateOf(sides: SidesToCompare, dropFirst: boolean): Estimate {
  const keep = (s: readonly Sample[]): Sample[] => (dropFirst ? s.filter((x) => x.index !== 0) : [...s]);
  const candidate = keep(sides.candidate);
  if (sides.paired) return pairedEstimate(pairedLogRatios(keep(sides.baseline), candidate));
  return unpairedEstimate(
    sides.baseline.map((x) => x.opsPerSec),
    candidate.map((x) => x.opsPerSec),
  );
}

/**
 * The looks of a run. With a seconds budget the number of runs it allows is
 * unknown until a round has been timed, so the looks are planned once, after
 * the first round (from its duration, never from the results); if time runs out
 * before the last planned look, the look then taken is the final one and spends
 * what alpha is left, as the spending-function approach allows.
 */
export class LookSchedule {
  private planned: number[];
  private replanned = false;
  private readonly taken: LookBoundary[] = [];

  constructor(
    readonly budgetRuns: number,
    readonly budgetSeconds: number | null,
    readonly sequential: boolean,
    private readonly alpha = DESIGN_ALPHA,
  ) {
    this.planned = sequential ? planLooks(budgetRuns) : [budgetRuns];
  }

  /** With a seconds budget: fix the most runs the budget allows, from the first round's duration. */
  planFromFirstRound(roundSeconds: number): void {
    if (this.replanned || this.budgetSeconds === null || !(roundSeconds > 0)) return;
    this.replanned = true;
    const most = Math.max(1, Math.min(this.budgetRuns, Math.floor(this.budgetSeconds / roundSeconds)));
    this.planned = this.sequential ? planLooks(most) : [most];
  }

  get looks(): readonly number[] {
    return this.planned;
  }

  get maxRuns(): number {
    return this.planned.at(-1)!;
  }

  isLook(measured: number): boolean {
    return this.planned.includes(measured);
  }

  /** The boundary of a look at `measured` runs; `final` makes it spend all alpha left. */
  boundary(measured: number, final: boolean): LookBoundary {
    const n = this.maxRuns;
    const upTo = this.planned.filter((l) => l < measured);
    const fractions = [...upTo.map((l) => l / n), final ? 1 : Math.min(1, measured / n)];
    const b = spendingBoundaries(fractions, this.alpha);
    const index = fractions.length;
    return { index, of: Math.max(index, this.planned.length), critical: b.critical.at(-1)!, spentAlpha: b.spent.at(-1)! };
  }

  /** Records a look that was taken (judged), for the design's report. */
  take(look: LookBoundary): void {
    if (!this.taken.some((t) => t.index === look.index)) this.taken.push(look);
  }

  report(runsUsed: number, stopped: StopReason, reason: string, noise: NoiseReduction): SuiteDesign {
    const last = this.taken.at(-1);
    const looks: DesignLook[] = this.planned.map((runs, i) => {
      const took = this.taken.find((t) => t.index === i + 1);
      if (took) return { runs: i + 1 === last?.index ? runsUsed : runs, critical: took.critical, spentAlpha: took.spentAlpha, taken: true };
      const b = this.boundary(runs, i === this.planned.length - 1);
      return { runs, critical: b.critical, spentAlpha: b.spentAlpha, taken: false };
    });
    return {
      kind: this.sequential ? 'group-sequential' : 'fixed',
      method: this.sequential ? DESIGN_METHOD : 'fixed number of runs: one 95% confidence interval of the per-pair ratio',
      alpha: this.alpha,
      budgetRuns: this.budgetRuns,
      budgetSeconds: this.budgetSeconds,
      looks,
      spentAlpha: last?.spentAlpha ?? 0,
      runsUsed,
      stopped,
      reason,
      noise,
    };
  }
}

/** Every comparison's decision at one look. */
export function decideAll(
  comparisons: readonly SidesToCompare[],
  look: LookBoundary,
  threshold: number,
  dropFirst: boolean,
): LookDecision[] {
  return comparisons.map((c) => decideAt(estimateOf(c, dropFirst), look.critical, threshold));
}

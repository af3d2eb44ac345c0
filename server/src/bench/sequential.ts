// Decisions that stop as soon as the data allow: a group-sequential design.
//
// Which design, and why. The runner looks at the data at planned run counts
// (every few paired rounds up to the budget) and must keep the overall
// false-alarm rate at alpha however many looks it takes. Two families do that:
// always-valid sequential tests (mixture SPRT, confidence sequences) and
// group-sequential designs with alpha spending. A run here always has a known
// budget (runs, or seconds turned into runs after the first round), which is
// exactly what a group-sequential design plans for; an always-valid interval
// pays for an unlimited number of looks with an interval that is wider at
// every n (about sqrt(log n) wider), so it needs more runs to decide the same
// change. We use the Lan-DeMets alpha-spending function of O'Brien-Fleming
// type, alpha(t) = 4 - 4 Phi(z_{1-alpha/4} / sqrt(t)) two-sided (Lan & DeMets 1983,
// Biometrika 70:659), which spends almost nothing at the early looks, so a run
// that goes to its full budget gives up almost nothing against a fixed-N test,
// and tolerates a last look that comes earlier than planned (a seconds budget
// running out): that look simply spends what is left. The boundaries come from
// the recursive numerical integration of Armitage, McPherson & Rowe (1969),
// as in Jennison & Turnbull, Group Sequential Methods (2000), ch. 19.
//
// The decision at each look uses the repeated confidence interval (Jennison &
// Turnbull 1989, JRSS B 51:305; their book, ch. 9): the interval at look k
// uses the look's boundary instead of 1.96, and all of them cover the true
// ratio at once with probability >= 1 - alpha. So stopping on any of them -
// "faster" (wholly above +threshold), "slower" (wholly below -threshold) or
// "equivalent" (wholly inside +-threshold) - is wrong with probability at most
// alpha in total. The statistic is the mean log ratio (per-pair when the runs
// are paired), with Student-t quantiles at the boundary's nominal level since
// the noise is estimated from few runs.
import { normalUpperTail } from './stats';

export type Decision = 'faster' | 'slower' | 'equivalent' | 'undecided';

/** Runs per series at which the data are looked at: the first look, then every few runs up to the budget. */
export function planLooks(budget: number, firstLook = 5, maxLooks = 10): number[] {
  const n = Math.max(1, Math.floor(budget));
  if (n <= firstLook) return [n];
  const every = Math.max(firstLook, Math.ceil(n / maxLooks));
  const looks: number[] = [];
  for (let k = firstLook; k < n; k += every) looks.push(k);
  // The last planned look is the budget itself; a step too short to add information joins it.
  if (looks.length > 1 && n - looks.at(-1)! < every / 2) looks.pop();
  looks.push(n);
  return looks;
}

/**
 * The O'Brien-Fleming-type spending function, two-sided and symmetric: each side
 * spends 2 - 2 Phi(z_{1-alpha/4} / sqrt(t)) of its alpha/2 by information fraction t
 * (the form of Lan & DeMets' paper, and of gsDesign's sfLDOF with a two-sided test),
 * so the boundaries match the published tables (5 equal looks: 4.877 3.357 2.680 2.290 2.031).
 */
export function obrienFlemingSpending(t: number, alpha: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 4 * normalUpperTail(normalQuantile(1 - alpha / 4) / Math.sqrt(t));
}

export interface Boundaries {
  /** Two-sided critical |z| at each look. */
  readonly critical: number[];
  /** Alpha spent up to and including each look. */
  readonly spent: number[];
}

const GRID = 100; // Simpson grid: 2 * GRID + 1 points over the continuation region
const cache = new Map<string, Boundaries>();

function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

function simpsonWeights(points: number, step: number): number[] {
  return Array.from({ length: points }, (_, i) => ((i === 0 || i === points - 1 ? 1 : i % 2 === 1 ? 4 : 2) * step) / 3);
}

/** Smallest x in [lo, hi] with f(x) <= target, for f decreasing (bisection). */
function solveDecreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Two-sided boundaries for looks at the given information fractions (increasing,
 * the last one 1 for the final look), spending alpha by the O'Brien-Fleming-type function.
 */
export function spendingBoundaries(fractions: readonly number[], alpha = 0.05): Boundaries {
  const key = `${alpha}:${fractions.join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const critical: number[] = [];
  const spent: number[] = [];
  // Density of the Brownian motion W(t) = Z sqrt(t) on the continuation region of the previous look.
  let grid: number[] = [];
  let density: number[] = [];
  let weights: number[] = [];
  let prevT = 0;
  let prevSpent = 0;
  for (const t of fractions) {
    const target = Math.max(0, obrienFlemingSpending(t, alpha) - prevSpent);
    const sd = Math.sqrt(t - prevT);
    let exit: (c: number) => number;
    if (critical.length === 0) exit = (c) => 2 * normalUpperTail(c);
    else {
      const g = grid;
      const d = density;
      const w = weights;
      exit = (c) => {
        const b = c * Math.sqrt(t);
        let p = 0;
        for (let i = 0; i < g.length; i++) p += w[i]! * d[i]! * (normalUpperTail((b - g[i]!) / sd) + normalUpperTail((b + g[i]!) / sd));
        return p;
      };
    }
    const c = target > 0 ? solveDecreasing(exit, target, 0, 40) : 40;
    const spentHere = exit(c);
    critical.push(c);
    spent.push(prevSpent + spentHere);
    // The density at this look, kept where the run continues (|W| < c sqrt(t)).
    const b = c * Math.sqrt(t);
    const step = (2 * b) / (2 * GRID);
    const next = Array.from({ length: 2 * GRID + 1 }, (_, i) => -b + i * step);
    const nextDensity = next.map((x) => {
      if (grid.length === 0) return normalDensity(x / sd) / sd;
      let f = 0;
      for (let i = 0; i < grid.length; i++) f += weights[i]! * density[i]! * normalDensity((x - grid[i]!) / sd);
      return f / sd;
    });
    grid = next;
    density = nextDensity;
    weights = simpsonWeights(next.length, step);
    prevT = t;
    prevSpent += spentHere;
  }
  const result = { critical, spent };
  cache.set(key, result);
  return result;
}

/** The standard normal quantile (bisection on the upper tail; accurate to the tail's precision). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < 0.5) return -normalQuantile(1 - p);
  return solveDecreasing(normalUpperTail, 1 - p, 0, 40);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to about 1e-15 for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for Student's t with df degrees of freedom. */
export function studentUpperTail(t: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e6) return normalUpperTail(t);
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? tail : 1 - tail;
}

/** The t value with the same two-sided tail as the normal value z. */
export function studentCritical(z: number, df: number): number {
  const tail = normalUpperTail(z);
  return solveDecreasing((t) => studentUpperTail(t, df), tail, 0, 1e4);
}

/** A log-ratio estimate with its standard error: what each look decides on. */
export interface Estimate {
  /** Mean of log(candidate) - log(baseline): per pair when paired. */
  readonly logRatio: number;
  readonly standardError: number;
  readonly df: number;
  /** Runs per series the estimate uses (pairs when paired). */
  readonly n: number;
  readonly paired: boolean;
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return { mean, variance: values.length > 1 ? sq / (values.length - 1) : 0 };
}

/** Per-pair log ratios of runs measured back to back, matched by their index (round). */
export function pairedLogRatios(
  baseline: readonly { index: number; opsPerSec: number }[],
  candidate: readonly { index: number; opsPerSec: number }[],
): number[] {
  const byIndex = new Map(baseline.filter((s) => s.opsPerSec > 0).map((s) => [s.index, s.opsPerSec]));
  const out: number[] = [];
  for (const s of candidate) {
    const a = byIndex.get(s.index);
    if (a !== undefined && s.opsPerSec > 0 && Number.isFinite(s.opsPerSec)) out.push(Math.log(s.opsPerSec / a));
  }
  return out;
}

export function pairedEstimate(logRatios: readonly number[]): Estimate {
  const { mean, variance } = meanAndVariance(logRatios);
  const n = logRatios.length;
  return { logRatio: mean, standardError: Math.sqrt(variance / n), df: n - 1, n, paired: true };
}

/** Difference of mean logs of two independent samples, Welch's standard error and degrees of freedom. */
export function unpairedEstimate(baseline: readonly number[], candidate: readonly number[]): Estimate {
  const a = meanAndVariance(baseline.filter((v) => v > 0).map(Math.log));
  const b = meanAndVariance(candidate.filter((v) => v > 0).map(Math.log));
  const na = baseline.length;
  const nb = candidate.length;
  const va = a.variance / na;
  const vb = b.variance / nb;
  const df = va + vb > 0 ? (va + vb) ** 2 / ((na > 1 ? (va * va) / (na - 1) : 0) + (nb > 1 ? (vb * vb) / (nb - 1) : 0) || 1) : na + nb - 2;
  return { logRatio: b.mean - a.mean, standardError: Math.sqrt(va + vb), df: Math.max(1, df), n: nb, paired: false };
}

export interface LookDecision {
  readonly decision: Decision;
  /** The (repeated) confidence interval of the ratio candidate/baseline. */
  readonly interval: [number, number];
  readonly ratio: number;
  /** Nominal two-sided p-value of "no change" at this look (t test on the log ratios). */
  readonly pValue: number;
}

/** The decision an estimate supports at a look with the given two-sided normal boundary. */
export function decideAt(est: Estimate, criticalZ: number, threshold: number): LookDecision {
  const ratio = Math.exp(est.logRatio);
  if (est.n < 2 || !Number.isFinite(est.standardError)) return { decision: 'undecided', interval: [NaN, NaN], ratio, pValue: 1 };
  const half = studentCritical(criticalZ, est.df) * est.standardError;
  const lo = est.logRatio - half;
  const hi = est.logRatio + half;
  const up = Math.log(1 + threshold);
  const down = Math.log(1 - threshold);
  let decision: Decision = 'undecided';
  if (lo > up) decision = 'faster';
  else if (hi < down) decision = 'slower';
  else if (lo > down && hi < up) decision = 'equivalent';
  const t = est.standardError > 0 ? Math.abs(est.logRatio) / est.standardError : est.logRatio === 0 ? 0 : Infinity;
  return { decision, interval: [Math.exp(lo), Math.exp(hi)], ratio, pValue: Math.min(1, 2 * studentUpperTail(t, est.df)) };
}

/**
 * About how many runs per series would decide an undecided comparison: the n at
 * which the interval's half-width shrinks to the distance between the estimate
 * and the nearer edge of the threshold. Infinity when the estimate sits on the edge.
 */
export function runsNeeded(est: Estimate, threshold: number, criticalZ = 2): number {
  const edge = Math.log(1 + threshold);
  const distance = Math.abs(Math.abs(est.logRatio) - edge);
  const perRun = est.standardError * Math.sqrt(est.n);
  if (!(distance > 0) || !Number.isFinite(perRun)) return Infinity;
  return Math.max(est.n + 1, Math.ceil(((criticalZ * perRun) / distance) ** 2));
}

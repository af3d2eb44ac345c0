// Statistics for benchmark comparisons: robust summaries (median, MAD), a
// seeded bootstrap for confidence intervals (so the same samples always give
// the same interval), and the Mann-Whitney U test (exact when it can be, a
// tie-corrected normal approximation otherwise).

/** A deterministic PRNG (mulberry32): same seed, same sequence, on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a uniform source (Box-Muller); used by simulations. */
export function normalSource(random: () => number): () => number {
  return () => {
    const u = 1 - random(); // (0, 1], keeps log finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n - 1). */
export function stddev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let sq = 0;
  for (const v of values) sq += (v - m) * (v - m);
  return Math.sqrt(sq / (values.length - 1));
}

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** Linear-interpolated quantile of already sorted values, q in [0, 1]. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly seed?: number;
  /** Confidence level, default 0.95. */
  readonly level?: number;
}

const DEFAULT_RESAMPLES = 2000;
const DEFAULT_SEED = 0x5eed;

function resampleInto(source: readonly number[], target: number[], random: () => number): void {
  for (let i = 0; i < target.length; i++) target[i] = source[Math.floor(random() * source.length)]!;
}

function percentileInterval(estimates: number[], level: number): Interval {
  estimates.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { low: quantileSorted(estimates, tail), high: quantileSorted(estimates, 1 - tail) };
}

/** Percentile-bootstrap confidence interval of one statistic of one sample. */
export function bootstrapInterval(
  values: readonly number[],
  statistic: (v: readonly number[]) => number,
  options: BootstrapOptions = {},
): Interval {
  if (values.length === 0) return { low: NaN, high: NaN };
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const n = options.resamples ?? DEFAULT_RESAMPLES;
  const buf = new Array<number>(values.length);
  const estimates: number[] = [];
  for (let i = 0; i < n; i++) {
    resampleInto(values, buf, random);
    estimates.push(statistic(buf));
  }
  return percentileInterval(estimates, options.level ?? 0.95);
}

/**
 * Percentile-bootstrap confidence interval of statistic(candidate) / statistic(baseline),
 * resampling both groups independently.
 */
export function bootstrapRatioInterval(
  baseline: readonly number[],
  candidate: readonly number[],
  statistic: (v: readonly number[]) => number = median,
  options: BootstrapOptions = {},
): Interval {
  if (baseline.length === 0 || candidate.length === 0) return { low: NaN, high: NaN };
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const n = options.resamples ?? DEFAULT_RESAMPLES;
  const a = new Array<number>(baseline.length);
  const b = new Array<number>(candidate.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    resampleInto(baseline, a, random);
    resampleInto(candidate, b, random);
    ratios.push(statistic(b) / statistic(a));
  }
  return percentileInterval(ratios, options.level ?? 0.95);
}

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (x, y) with x > y, ties counting one half. */
  readonly u: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  readonly method: 'exact' | 'normal';
}

/** Ranks (1-based, ties get their average rank) plus the tie groups' sizes. */
function rank(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.v === order[i]!.v) j++;
    const avg = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]!.i] = avg;
    if (j > i) tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

/** Exact null distribution of U (counts of orderings), for small samples without ties. */
function exactUDistribution(n1: number, n2: number): number[] {
  // counts[a][b][u]: orderings of a x-values and b y-values whose U equals u.
  // Built row by row: the largest element is either an x (adding b to U) or a y.
  let prev: number[][] = [];
  for (let a = 0; a <= n1; a++) {
    const row: number[][] = [];
    for (let b = 0; b <= n2; b++) {
      const size = a * b + 1;
      const counts = new Array<number>(size).fill(0);
      if (a === 0 || b === 0) counts[0] = 1;
      else {
        const withX = prev[b]!; // a-1 xs, b ys; the top x beats all b ys
        for (let u = 0; u < withX.length; u++) counts[u + b]! += withX[u]!;
        const withY = row[b - 1]!; // a xs, b-1 ys
        for (let u = 0; u < withY.length; u++) counts[u]! += withY[u]!;
      }
      row.push(counts);
    }
    prev = row;
  }
  return prev[n2]!;
}

const EXACT_LIMIT = 50;

/** Two-sided Mann-Whitney U test. */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, pValue: 1, method: 'normal' };
  const { ranks, tieSizes } = rank([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < n1; i++) rankSumX += ranks[i]!;
  const u = rankSumX - (n1 * (n1 + 1)) / 2;

  if (tieSizes.length === 0 && n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT) {
    const counts = exactUDistribution(n1, n2);
    let total = 0;
    for (const c of counts) total += c;
    let below = 0;
    let above = 0;
    for (let k = 0; k < counts.length; k++) {
      if (k <= u) below += counts[k]!;
      if (k >= u) above += counts[k]!;
    }
    return { u, pValue: Math.min(1, (2 * Math.min(below, above)) / total), method: 'exact' };
  }

  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  let tieTerm = 0;
  for (const t of tieSizes) tieTerm += t * t * t - t;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, pValue: 1, method: 'normal' }; // every value tied
  const z = Math.max(0, Math.abs(u - meanU) - 0.5) / Math.sqrt(variance);
  return { u, pValue: Math.min(1, 2 * normalUpperTail(z)), method: 'normal' };
}

/**
 * P(Z > z) for a standard normal Z, to about 1e-13 relative error even in far
 * tails (the first looks of a sequential design spend alpha around 1e-7).
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** erfc: the Taylor series of erf near 0, Laplace's continued fraction beyond 2.5 (both converge fast there). */
function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The k-th smallest (0-based) of values[0..length), reordering them (Hoare quickselect). */
function selectKth(values: Float64Array, length: number, k: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function medianInPlace(values: Float64Array, length: number): number {
  const mid = length >> 1;
  const upper = selectKth(values, length, mid);
  if (length % 2 === 1) return upper;
  // After selection everything below index mid is <= upper: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/** Median of log(b_j) - log(a_i) over all pairs, from index lists into the log arrays. */
function pairwiseLogShift(logA: Float64Array, idxA: Int32Array, logB: Float64Array, idxB: Int32Array, scratch: Float64Array): number {
  let k = 0;
  for (let i = 0; i < idxA.length; i++) {
    const a = logA[idxA[i]!]!;
    for (let j = 0; j < idxB.length; j++) scratch[k++] = logB[idxB[j]!]! - a;
  }
  return medianInPlace(scratch, k);
}

/**
 * Hodges-Lehmann estimate of candidate/baseline: the median of all pairwise ratios.
 * It is the estimator that goes with the U test: robust to an outlier run like the
 * median, but far more efficient with few runs (about 95% of the mean's efficiency
 * under normal noise, against 64% for the ratio of medians).
 */
export function hodgesLehmannRatio(baseline: readonly number[], candidate: readonly number[]): number {
  if (baseline.length === 0 || candidate.length === 0) return NaN;
  const logA = Float64Array.from(baseline, Math.log);
  const logB = Float64Array.from(candidate, Math.log);
  const idxA = Int32Array.from(baseline, (_, i) => i);
  const idxB = Int32Array.from(candidate, (_, i) => i);
  return Math.exp(pairwiseLogShift(logA, idxA, logB, idxB, new Float64Array(baseline.length * candidate.length)));
}

/** Percentile-bootstrap confidence interval of the Hodges-Lehmann ratio (groups resampled independently). */
export function bootstrapHodgesLehmannInterval(
  baseline: readonly number[],
  candidate: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  if (baseline.length === 0 || candidate.length === 0) return { low: NaN, high: NaN };
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const logA = Float64Array.from(baseline, Math.log);
  const logB = Float64Array.from(candidate, Math.log);
  const idxA = new Int32Array(baseline.length);
  const idxB = new Int32Array(candidate.length);
  const scratch = new Float64Array(baseline.length * candidate.length);
  const estimates: number[] = [];
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < idxA.length; i++) idxA[i] = Math.floor(random() * idxA.length);
    for (let j = 0; j < idxB.length; j++) idxB[j] = Math.floor(random() * idxB.length);
    estimates.push(Math.exp(pairwiseLogShift(logA, idxA, logB, idxB, scratch)));
  }
  return percentileInterval(estimates, options.level ?? 0.95);
}

export type Verdict = 'faster' | 'slower' | 'no significant change';

export interface ComparisonStats {
  /**
   * Typical ratio candidate/baseline of ops/s (Hodges-Lehmann: the median of all
   * pairwise ratios); above 1 means the candidate does more work per second.
   */
  readonly ratio: number;
  /** median(candidate) / median(baseline), for reference. */
  readonly medianRatio: number;
  /** Bootstrap 95% confidence interval of the ratio. */
  readonly ci95: [number, number];
  /** Two-sided Mann-Whitney U p-value. */
  readonly pValue: number;
  readonly verdict: Verdict;
  /** exact / normal: Mann-Whitney (independent samples); paired-t / welch-t: the sequential design's statistic. */
  readonly method: 'exact' | 'normal' | 'paired-t' | 'welch-t';
  readonly noiseThreshold: number;
}

export interface CompareOptions {
  /** Relative noise threshold, default 0.01 (1%). */
  readonly noiseThreshold?: number;
  /** Significance level, default 0.05. */
  readonly alpha?: number;
  readonly resamples?: number;
  readonly seed?: number;
}

/**
 * Compares two throughput samples (higher is better). A change is called only when
 * the U test is significant AND the whole confidence interval of the ratio lies
 * beyond the noise threshold, as criterion does; anything else is no change.
 */
export function compareSamples(baseline: readonly number[], candidate: readonly number[], options: CompareOptions = {}): ComparisonStats {
  const threshold = options.noiseThreshold ?? 0.01;
  const alpha = options.alpha ?? 0.05;
  const usable = (v: readonly number[]): number[] => v.filter((x) => Number.isFinite(x) && x > 0);
  const a = usable(baseline);
  const b = usable(candidate);
  const ci = bootstrapHodgesLehmannInterval(a, b, {
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const test = mannWhitneyU(b, a);
  let verdict: Verdict = 'no significant change';
  if (a.length > 0 && b.length > 0 && test.pValue < alpha) {
    if (ci.low > 1 + threshold) verdict = 'faster';
    else if (ci.high < 1 - threshold) verdict = 'slower';
  }
  return {
    ratio: hodgesLehmannRatio(a, b),
    medianRatio: median(b) / median(a),
    ci95: [ci.low, ci.high],
    pValue: test.pValue,
    verdict,
    method: test.method,
    noiseThreshold: threshold,
  };
}

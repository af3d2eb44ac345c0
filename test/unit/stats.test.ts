// The statistics behind every verdict: exact values on small cases, and the
// error rates the verdict promises, measured over simulated comparisons.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bootstrapInterval,
  compareSamples,
  hodgesLehmannRatio,
  mad,
  mannWhitneyU,
  median,
  normalSource,
  normalUpperTail,
  seededRandom,
} from '../../server/src/bench/stats';

function noisy(n: number, center: number, cv: number, gaussian: () => number): number[] {
  return Array.from({ length: n }, () => center * (1 + cv * gaussian()));
}

function changeRate(trials: number, n: number, shift: number, cv: number, seed: number): { called: number; faster: number } {
  const gaussian = normalSource(seededRandom(seed));
  let called = 0;
  let faster = 0;
  for (let t = 0; t < trials; t++) {
    const a = noisy(n, 1e6, cv, gaussian);
    const b = noisy(n, 1e6 * (1 + shift), cv, gaussian);
    const v = compareSamples(a, b).verdict;
    if (v !== 'no significant change') called++;
    if (v === 'faster') faster++;
  }
  return { called, faster };
}

describe('robust summaries', () => {
  it('median and MAD', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(mad([1, 2, 3, 4, 100]), 1);
    assert.ok(Number.isNaN(median([])));
  });

  it('Hodges-Lehmann ratio is the median pairwise ratio', () => {
    assert.ok(Math.abs(hodgesLehmannRatio([100, 100, 100], [110, 110, 110]) - 1.1) < 1e-12);
    // One wild run barely moves it.
    const r = hodgesLehmannRatio([100, 101, 99, 100, 100], [110, 111, 109, 110, 1000]);
    assert.ok(r > 1.09 && r < 1.12, String(r));
  });
});

describe('seeded bootstrap', () => {
  it('is reproducible for a seed and different across seeds', () => {
    const values = [10, 12, 9, 11, 13, 10, 12, 11];
    const a = bootstrapInterval(values, median, { seed: 1 });
    const b = bootstrapInterval(values, median, { seed: 1 });
    assert.deepEqual(a, b);
    const r1 = seededRandom(1);
    const r2 = seededRandom(2);
    assert.notEqual(r1(), r2());
  });

  it('gives the same comparison for the same samples, every time', () => {
    const a = [100, 102, 98, 101, 99, 100, 103, 97];
    const b = [104, 106, 103, 105, 104, 107, 103, 105];
    assert.deepEqual(compareSamples(a, b), compareSamples(a, b));
  });
});

describe('Mann-Whitney U', () => {
  it('exact p-value for fully separated samples of 5 and 5 (2/252)', () => {
    const r = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, 25);
    assert.ok(Math.abs(r.pValue - 2 / 252) < 1e-12, String(r.pValue));
  });

  it('exact p-value for a small interleaving (scipy.stats.mannwhitneyu: U = 2, p = 0.8)', () => {
    const r = mannWhitneyU([1, 4], [2, 3, 5]);
    assert.equal(r.u, 2);
    assert.ok(Math.abs(r.pValue - 0.8) < 1e-12, String(r.pValue));
  });

  it('normal approximation with tie correction when values tie', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 4, 5, 5, 6], [2, 3, 3, 4, 5, 6, 7, 7]);
    assert.equal(r.method, 'normal');
    // scipy.stats.mannwhitneyu(x, y, method='asymptotic'): U = 21, p = 0.2648127507746576
    assert.equal(r.u, 21);
    assert.ok(Math.abs(r.pValue - 0.2648127507746576) < 1e-6, String(r.pValue));
  });

  it('exact p-value at N = 7 vs 8 (scipy: U = 52, p = 0.0037296037296037296)', () => {
    const r = mannWhitneyU([10.5, 11.2, 9.8, 12.0, 10.9, 11.7, 10.1], [9.0, 9.9, 10.3, 8.7, 9.5, 10.0, 9.2, 8.8]);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, 52);
    assert.ok(Math.abs(r.pValue - 0.0037296037296037296) < 1e-12, String(r.pValue));
  });

  it('all values tied means no evidence of a difference', () => {
    assert.equal(mannWhitneyU([3, 3, 3], [3, 3, 3]).pValue, 1);
  });

  it('normal tail matches known values', () => {
    assert.ok(Math.abs(normalUpperTail(1.959964) - 0.025) < 1e-6);
    assert.ok(Math.abs(normalUpperTail(0) - 0.5) < 1e-9);
  });

  it('normal tail keeps its relative precision far out (the early looks of the sequential design live there)', () => {
    // P(Z > 5) = 2.866515718791939e-7, P(Z > 1) = 0.15865525393145707
    assert.ok(Math.abs(normalUpperTail(5) / 2.866515718791939e-7 - 1) < 1e-9);
    assert.ok(Math.abs(normalUpperTail(1) - 0.15865525393145707) < 1e-12);
    assert.ok(Math.abs(normalUpperTail(-1) - (1 - 0.15865525393145707)) < 1e-12);
  });
});

describe('verdict', () => {
  it('needs significance AND the whole interval beyond the noise threshold', () => {
    const base = [100, 100.2, 99.8, 100.1, 99.9, 100, 100.2, 99.8, 100.1, 99.9];
    // +0.5%: clearly significant, but inside the 1% noise band.
    const tiny = compareSamples(
      base,
      base.map((v) => v * 1.005),
    );
    assert.ok(tiny.pValue < 0.05);
    assert.equal(tiny.verdict, 'no significant change');
    // The same shift with a 0.2% threshold is a real change.
    assert.equal(
      compareSamples(
        base,
        base.map((v) => v * 1.005),
        { noiseThreshold: 0.002 },
      ).verdict,
      'faster',
    );
    const slower = compareSamples(
      base,
      base.map((v) => v * 0.9),
    );
    assert.equal(slower.verdict, 'slower');
    assert.ok(slower.ci95[1] < 0.99 && slower.ratio < 1);
  });

  it('ignores non-positive or non-finite values instead of producing NaN verdicts', () => {
    const r = compareSamples([100, 101, 0, NaN], [100, 99, 101]);
    assert.equal(r.verdict, 'no significant change');
    assert.ok(Number.isFinite(r.ratio));
  });

  it('A/A: at most 5% of 1,000 comparisons of identical noisy distributions at N = 10 are called a change', () => {
    const { called } = changeRate(1000, 10, 0, 0.02, 20240501);
    assert.ok(called <= 50, `${called} of 1000 A/A comparisons were called a change`);
  });

  it('a 3% shift at 2% CV is detected in at least 90% of comparisons (N = 30 runs)', () => {
    // With N = 10 no valid 95% interval can lie wholly beyond 1% often enough for 90%
    // (see test/figures/stats.ts for the detection rate by N); 30 runs can.
    const trials = 300;
    const { faster } = changeRate(trials, 30, 0.03, 0.02, 7);
    assert.ok(faster >= 0.9 * trials, `${faster} of ${trials} detected`);
  });

  it('a 3% slowdown is called slower, never faster', () => {
    const { called, faster } = changeRate(200, 30, -0.03, 0.02, 11);
    assert.equal(faster, 0);
    assert.ok(called >= 180, `${called} of 200`);
  });
});

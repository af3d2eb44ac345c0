// The sequential design, checked by seeded simulation through the product's
// own looks, boundaries and decisions: its false-alarm rate, its power on a
// real 3% change, equivalence on a negligible one, and what pairing buys
// under drift. Seeds are fixed, so every run sees the same numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planLooks, spendingBoundaries, studentCritical } from '../../server/src/bench/sequential';
import { normalSource, seededRandom } from '../../server/src/bench/stats';
import { intervalWidths, quantileOfRuns, sequentialOutcome, tally } from '../util/benchSim';

describe('group-sequential boundaries', () => {
  it("reproduce the published Lan-DeMets O'Brien-Fleming boundaries (5 equal looks, alpha 0.05)", () => {
    const b = spendingBoundaries([0.2, 0.4, 0.6, 0.8, 1]);
    const published = [4.877, 3.357, 2.68, 2.29, 2.031];
    b.critical.forEach((c, i) => assert.ok(Math.abs(c - published[i]!) < 0.002, `look ${i + 1}: ${c} vs ${published[i]}`));
    assert.ok(Math.abs(b.spent.at(-1)! - 0.05) < 1e-6, 'the whole alpha is spent at the last look');
  });

  it('plan looks every few runs up to the budget', () => {
    assert.deepEqual(planLooks(30), [5, 10, 15, 20, 25, 30]);
    assert.deepEqual(planLooks(3), [3]);
    assert.ok(planLooks(200).length <= 11);
  });

  it('use Student-t quantiles for the few runs of a look', () => {
    assert.ok(Math.abs(studentCritical(1.959964, 4) - 2.776) < 0.002);
    assert.ok(Math.abs(studentCritical(1.959964, 29) - 2.045) < 0.002);
  });
});

describe('sequential decisions (seeded simulations, budget 30 runs, ±1% threshold)', () => {
  for (const cv of [0.02, 0.05]) {
    it(`A/A: false alarms at most 5% over 1,000 comparisons at ${cv * 100}% CV with drift`, () => {
      const t = tally(1000, 101 + cv * 1000, (g) => sequentialOutcome({ shift: 0, cv, budget: 30, drift: 0.05 }, g));
      const falseAlarms = (t.faster + t.slower) / 1000;
      console.log(`  A/A at ${cv * 100}% CV: false alarms ${(falseAlarms * 100).toFixed(1)}%, median runs ${quantileOfRuns(t.runs, 0.5)}`);
      assert.ok(falseAlarms <= 0.05, `false alarms ${falseAlarms}`);
    });
  }

  it('a 3% shift at 2% CV is decided "faster" in at least 90% within 30 runs', () => {
    const t = tally(1000, 202, (g) => sequentialOutcome({ shift: 0.03, cv: 0.02, budget: 30, drift: 0.05 }, g));
    const median = quantileOfRuns(t.runs, 0.5);
    console.log(`  3% at 2% CV: faster ${(t.faster / 10).toFixed(1)}%, median runs used ${median}, p90 ${quantileOfRuns(t.runs, 0.9)}`);
    assert.ok(t.faster / 1000 >= 0.9, `faster in ${t.faster} of 1000`);
    assert.equal(t.slower, 0);
    assert.ok(median < 30, 'most comparisons stop before the budget');
  });

  it('a 0.2% shift at 1% CV is called "equivalent within ±1%" in most cases', () => {
    const t = tally(1000, 303, (g) => sequentialOutcome({ shift: 0.002, cv: 0.01, budget: 30, drift: 0.05 }, g));
    console.log(`  0.2% at 1% CV: equivalent ${(t.equivalent / 10).toFixed(1)}%, median runs used ${quantileOfRuns(t.runs, 0.5)}`);
    assert.ok(t.equivalent / 1000 > 0.5, `equivalent in ${t.equivalent} of 1000`);
    assert.equal(t.faster + t.slower, 0);
  });
});

describe('pairing', () => {
  it('under a linear drift, per-pair ratios give an interval at least 30% narrower than unpaired on the same samples', () => {
    const gaussian = normalSource(seededRandom(404));
    let paired = 0;
    let unpaired = 0;
    for (let i = 0; i < 200; i++) {
      const w = intervalWidths({ shift: 0, cv: 0.02, budget: 30, drift: 0.1 }, gaussian);
      paired += w.paired;
      unpaired += w.unpaired;
    }
    const narrower = 1 - paired / unpaired;
    console.log(`  pairing narrowed the interval by ${(narrower * 100).toFixed(0)}% (10% linear drift over the run, 2% CV)`);
    assert.ok(narrower >= 0.3, `narrower by ${narrower}`);
  });
});

// The verdict as the question is asked: the allocator under development is
// the subject, the headline is the comparison that matters most, noise is named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRecords, summarize } from '../../server/src/bench/compare';
import { RECORD_VERSION, type BenchRecord } from '../../server/src/bench/record';
import { headline, mostImportant, reliabilityWarning, suitePairs, verdictSentence } from '../../server/src/bench/verdict';

let counter = 0;
/** A series with values spread around `median` by the given relative steps. */
function series(name: string, median: number, spread = 0.005, runs = 10, commit = 'c0ffee1234567890'): BenchRecord {
  const values = Array.from({ length: runs }, (_, i) => median * (1 + spread * (((i * 7) % runs) / (runs - 1) - 0.5) * 2));
  const samples = values.map((v, index) => ({ index, opsPerSec: v, seconds: 1, wallSeconds: 1, maxRssKb: 1000, exitStatus: 0 }));
  return {
    version: RECORD_VERSION,
    id: `s${++counter}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, counter)).toISOString(),
    benchmark: 'larson',
    binary: '/bin/larson',
    args: [],
    env: {},
    knobs: {},
    allocator: { name, library: null },
    metric: 'ops_per_sec',
    quick: false,
    warmup: 1,
    git: { commit, dirty: false },
    machine: { hostname: 'h', os: 'linux', kernel: '6', arch: 'x64', cpuModel: 'cpu', cpus: 2 },
    samples,
    summary: summarize(samples),
  };
}

const hakmem = series('hakmem', 100e6);
const tcmalloc = series('tcmalloc', 206e6);
const glibc = series('system', 70.4e6);
const mimalloc = series('mimalloc', 100.2e6);

describe('verdict sentences', () => {
  it('the allocator under development is the subject, whatever the order of the series', () => {
    const names = (pairs: Array<[BenchRecord, BenchRecord]>): string[] =>
      pairs.map(([b, c]) => `${c.allocator.name} vs ${b.allocator.name}`);
    assert.deepEqual(names(suitePairs([glibc, tcmalloc, hakmem])), ['hakmem vs system', 'hakmem vs tcmalloc']);
    const mine = series('/work/mine/libmine.so', 1);
    assert.deepEqual(names(suitePairs([glibc, mine])), ['/work/mine/libmine.so vs system']);
    // Peers only: each against the first.
    assert.deepEqual(names(suitePairs([glibc, mimalloc, tcmalloc])), ['mimalloc vs system', 'tcmalloc vs system']);
  });

  it('slower: "hakmem is 2.06× slower than tcmalloc"', () => {
    const c = compareRecords(tcmalloc, hakmem);
    assert.equal(c.verdict, 'slower');
    assert.match(verdictSentence(c), /^hakmem is 2\.06× slower than tcmalloc \(−51\.\d%, 95% CI −\d+\.\d% to −\d+\.\d%, p = [\d.e-]+\)$/);
  });

  it('faster: "hakmem is 1.42× faster than glibc"', () => {
    const c = compareRecords(glibc, hakmem);
    assert.equal(c.verdict, 'faster');
    assert.match(verdictSentence(c), /^hakmem is 1\.42× faster than glibc \(\+42\.\d%, /);
  });

  it('no change, measured: "equivalent within ±1%" when the whole interval lies inside the threshold', () => {
    const c = compareRecords(mimalloc, hakmem);
    assert.equal(c.verdict, 'no significant change', 'older readers still see no change');
    assert.equal(c.decision, 'equivalent');
    assert.match(
      verdictSentence(c),
      /^hakmem is equivalent within ±1% to mimalloc \(−0\.\d%, 95% CI .*; the whole interval lies inside ±1%\)$/,
    );
  });

  it('no change, unresolved: "undecided after N runs", with about how many runs would decide', () => {
    const wide = series('mimalloc', 100.6e6, 0.04);
    const c = compareRecords(wide, hakmem);
    assert.equal(c.decision, 'undecided');
    assert.ok(typeof c.runsNeeded === 'number' && c.runsNeeded > 10, `runs needed: ${c.runsNeeded}`);
    assert.match(
      verdictSentence(c),
      /^hakmem vs mimalloc: undecided after 10 runs \(.*; the change is below what this machine can resolve in 10 runs; it would need about \d+ runs\)$/,
    );
  });

  it('against history, the baseline names its commit', () => {
    const before = series('hakmem', 90e6, 0.005, 10, 'abcdef0123456789');
    const c = compareRecords(before, hakmem, 0.01, 'history');
    assert.match(verdictSentence(c), /^hakmem is 1\.11× faster than hakmem at abcdef01 /);
  });
});

describe('the headline', () => {
  const all = [compareRecords(glibc, hakmem), compareRecords(tcmalloc, hakmem), compareRecords(mimalloc, hakmem)];

  it('names the benchmark and shows the worst significant comparison', () => {
    assert.equal(mostImportant(all)?.baseline.label, 'tcmalloc');
    assert.equal(headline('larson', all, 4, false), 'larson: hakmem 2.06× slower than tcmalloc');
  });

  it('says "equivalent" when every comparison is, and "no decided change" when some are undecided', () => {
    assert.equal(headline('larson', [compareRecords(mimalloc, hakmem)], 2, false), 'larson: equivalent within ±1%');
    const wide = series('mimalloc', 100.6e6, 0.04);
    assert.equal(headline('larson', [compareRecords(wide, hakmem)], 2, false), 'larson: no decided change');
  });

  it('marks a noisy run', () => {
    assert.equal(headline('larson', all, 4, true), 'larson: hakmem 2.06× slower than tcmalloc · noisy');
    assert.equal(headline('fixed_size', [], 1, false), 'fixed_size: 1 series measured');
  });
});

describe('unreliable runs', () => {
  it('a steady run gets no warning', () => {
    assert.equal(reliabilityWarning([hakmem, tcmalloc]), undefined);
  });

  it('a CV above 5% is named with what to do', () => {
    const noisy = series('hakmem', 100e6, 0.4);
    const w = reliabilityWarning([noisy, tcmalloc]);
    assert.ok(w);
    assert.match(w, /hakmem varies by CV \d+\.\d% \(above 5%\)/);
    assert.match(w, /more runs/);
    assert.match(w, /quieter machine/);
    assert.match(w, /taskset/);
  });

  it('an outlier run is named even when the CV stays low', () => {
    const steady = series('hakmem', 100e6, 0.002, 20);
    const samples = steady.samples.map((s, i) => (i === 7 ? { ...s, opsPerSec: s.opsPerSec * 0.85 } : s));
    const withOutlier = { ...steady, samples, summary: summarize(samples) };
    assert.ok(withOutlier.summary.cv < 0.05);
    assert.match(reliabilityWarning([withOutlier]) ?? '', /hakmem has 1 outlier run of 20/);
  });
});

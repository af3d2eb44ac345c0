// Figures for the benchmark verdict: how often identical distributions are
// called a change (false positives), how often a real 3% shift is detected by
// number of runs, and what one comparison costs.
//   node out/test/figures/stats.js [trials]
import { compareSamples, normalSource, seededRandom } from '../../server/src/bench/stats';

const trials = Number(process.argv[2] ?? 1000);
const gaussian = normalSource(seededRandom(12345));

function noisy(n: number, center: number, cv: number): number[] {
  return Array.from({ length: n }, () => center * (1 + cv * gaussian()));
}

function rate(n: number, shift: number, cv: number): { called: number; ms: number } {
  let called = 0;
  const start = process.hrtime.bigint();
  for (let t = 0; t < trials; t++) {
    if (compareSamples(noisy(n, 1e6, cv), noisy(n, 1e6 * (1 + shift), cv)).verdict !== 'no significant change') called++;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / trials;
  return { called: called / trials, ms };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
console.log(`verdict rule: Mann-Whitney p < 0.05 and the 95% bootstrap CI (2000 resamples) of the ratio wholly beyond ±1%`);
console.log(`${trials} simulated comparisons per row, normal noise\n`);
console.log('runs  noise CV  true shift  called a change  ms per comparison');
for (const [n, shift, cv] of [
  [10, 0, 0.02],
  [10, 0, 0.05],
  [10, 0.03, 0.02],
  [15, 0.03, 0.02],
  [20, 0.03, 0.02],
  [25, 0.03, 0.02],
  [30, 0.03, 0.02],
  [10, 0.05, 0.02],
  [10, 0.1, 0.05],
] as const) {
  const r = rate(n, shift, cv);
  console.log(
    `${String(n).padStart(4)}  ${pct(cv).padStart(8)}  ${pct(shift).padStart(10)}  ${pct(r.called).padStart(15)}  ${r.ms.toFixed(2).padStart(17)}`,
  );
}

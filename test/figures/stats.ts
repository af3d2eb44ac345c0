// Figures for the benchmark verdict: fixed-N (the Mann-Whitney / bootstrap rule
// at 10 and 30 runs) against the group-sequential design with a budget of 30
// runs, by true shift and noise: detection rate, false-alarm rate, runs used.
// Then, on the bundled benchmarks (real runs, hakmem vs glibc, quick
// arguments), how much pairing narrowed the interval.
//   node out/test/figures/stats.js [trials] [--no-simulation] [--no-real] [--real-runs N] [--full]
// (--full: the benchmarks' own arguments instead of their quick ones)
import { estimateOf } from '../../server/src/bench/design';
import { runSuite } from '../../server/src/bench/runner';
import { findBenchWorkspace } from '../../server/src/bench/workspace';
import { repoRoot } from '../util/paths';
import { fixedOutcome, quantileOfRuns, sequentialOutcome, tally, type Scenario, type Tally } from '../util/benchSim';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const trials = Number(argv.find((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--real-runs') ?? 400);
const realAt = argv.indexOf('--real-runs');
const realRuns = realAt >= 0 ? Number(argv[realAt + 1]) || 10 : 10;
const DRIFT = 0.05; // the machine slows by 5% from the first run to the last

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function rates(t: Tally, shift: number): { detect: string; falseAlarm: string } {
  const n = t.faster + t.slower + t.equivalent + t.undecided;
  if (shift === 0) return { detect: '—', falseAlarm: pct((t.faster + t.slower) / n) };
  return { detect: pct(t.faster / n), falseAlarm: pct(t.slower / n) };
}

function simulationTable(): void {
  console.log(`${trials} simulated comparisons per cell, normal noise, ${DRIFT * 100}% linear drift over the run, ±1% threshold`);
  console.log('fixed N: Mann-Whitney p < 0.05 and the bootstrap interval of the Hodges-Lehmann ratio beyond ±1% (unpaired)');
  console.log("sequential: budget 30 runs, looks at 5,10,…,30, Lan-DeMets O'Brien-Fleming spending, paired repeated CIs\n");
  const head = [
    'shift',
    'CV',
    'N=10 detect',
    'N=10 false',
    'N=30 detect',
    'N=30 false',
    'seq detect',
    'seq false',
    'seq equiv',
    'seq median runs',
    'seq p90 runs',
  ];
  console.log(head.map((h, i) => (i < 2 ? h.padStart(6) : h.padStart(12))).join(' '));
  let seed = 1;
  for (const cv of [0.01, 0.02, 0.05]) {
    for (const shift of [0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1]) {
      const at = (budget: number): Scenario => ({ shift, cv, budget, drift: DRIFT });
      const f10 = rates(
        tally(trials, seed++, (g) => fixedOutcome(at(10), g)),
        shift,
      );
      const f30 = rates(
        tally(trials, seed++, (g) => fixedOutcome(at(30), g)),
        shift,
      );
      const seqTally = tally(trials, seed++, (g) => sequentialOutcome(at(30), g));
      const seq = rates(seqTally, shift);
      const row = [
        pct(shift),
        pct(cv),
        f10.detect,
        f10.falseAlarm,
        f30.detect,
        f30.falseAlarm,
        seq.detect,
        seq.falseAlarm,
        pct(seqTally.equivalent / trials),
        String(quantileOfRuns(seqTally.runs, 0.5)),
        String(quantileOfRuns(seqTally.runs, 0.9)),
      ];
      console.log(row.map((c, i) => (i < 2 ? c.padStart(6) : c.padStart(12))).join(' '));
    }
  }
  console.log(
    '\nfixed N always uses all N runs; "detect" = called faster for a positive shift, "false" = called a change at 0 or the wrong direction',
  );
}

async function pairingOnBundled(): Promise<void> {
  const ws = findBenchWorkspace(join(repoRoot, 'native'));
  const quick = !argv.includes('--full');
  const which = quick ? 'quick arguments' : 'their own arguments';
  console.log(`\npairing on the bundled benchmarks: hakmem vs glibc, ${which}, ${realRuns} fixed rounds each (real runs)`);
  console.log('benchmark       paired SE  unpaired SE  interval narrower by  ratio');
  for (const benchmark of ws.benchmarks) {
    const result = await runSuite({
      benchmark,
      allocators: ['hakmem', 'system'],
      runs: realRuns,
      fixedRuns: true,
      warmup: 1,
      timeoutMs: 120_000,
      quick,
      nativeDir: ws.nativeDir,
      signal: new AbortController().signal,
    });
    const [glibc, hakmem] = [
      result.records.find((r) => r.allocator.name === 'system'),
      result.records.find((r) => r.allocator.name === 'hakmem'),
    ];
    if (!glibc || !hakmem) {
      console.log(`${benchmark.name.padEnd(14)}  could not run: ${result.error ?? result.failures.map((f) => f.message).join('; ')}`);
      continue;
    }
    const se = (paired: boolean): number => estimateOf({ baseline: glibc.samples, candidate: hakmem.samples, paired }, false).standardError;
    const p = se(true);
    const u = se(false);
    console.log(
      `${benchmark.name.padEnd(14)}  ${p.toFixed(4).padStart(9)}  ${u.toFixed(4).padStart(11)}  ${pct(1 - p / u).padStart(20)}  ${Math.exp(estimateOf({ baseline: glibc.samples, candidate: hakmem.samples, paired: true }, false).logRatio).toFixed(2)}×`,
    );
  }
  console.log('SE: standard error of the mean log ratio hakmem/glibc; the interval width is proportional to it');
}

async function main(): Promise<void> {
  if (!argv.includes('--no-simulation')) simulationTable();
  if (!argv.includes('--no-real')) await pairingOnBundled();
}

void main();

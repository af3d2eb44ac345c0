// Prints what arming the crash capture costs a run that does not crash, and
// how long a crash takes to become a report.
//   npm run bench:triage  (or node out/test/figures/triage.js [--rounds N])
// 1. The same bundled benchmark under hakmem, capture armed and not, one run of
//    each per round (interleaved), judged by the product's own verdict.
// 2. The bundled benchmarks under the planted allocator (test/fixtures/triage),
//    crashing on a page-aligned free: milliseconds from the run's end to the report.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { compareRecords } from '../../server/src/bench/compare';
import { nativePresets } from '../../server/src/bench/presets';
import type { BenchRecord } from '../../server/src/bench/record';
import { runSuite } from '../../server/src/bench/runner';
import { verdictSentence } from '../../server/src/bench/verdict';
import { repoRoot } from '../util/paths';
import { buildPlantedAllocator } from '../util/plantedAllocator';

async function armedCost(rounds: number): Promise<void> {
  const nativeDir = join(repoRoot, 'native');
  const spec = nativePresets(nativeDir).find((b) => b.name === 'random_mixed')!;
  const records: Record<'armed' | 'plain', BenchRecord | undefined> = { armed: undefined, plain: undefined };
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 === 0 ? (['armed', 'plain'] as const) : (['plain', 'armed'] as const)) {
      const r = await runSuite({
        benchmark: spec,
        allocators: ['hakmem'],
        runs: 1,
        warmup: 0,
        timeoutMs: 120_000,
        build: round === 0,
        nativeDir,
        capture: mode === 'armed',
        signal: new AbortController().signal,
      });
      const rec = r.records[0];
      if (!rec) throw new Error(`${mode} run failed: ${JSON.stringify(r.failures)}`);
      const prev = records[mode];
      records[mode] = prev ? { ...prev, samples: [...prev.samples, { ...rec.samples[0]!, index: prev.samples.length }] } : rec;
    }
  }
  const plain = records.plain!;
  const armed = { ...records.armed!, allocator: { name: 'hakmem (capture armed)', library: records.armed!.allocator.library } };
  const c = compareRecords(plain, armed);
  const median = (rec: BenchRecord): number => [...rec.samples.map((s) => s.opsPerSec)].sort((a, b) => a - b)[rec.samples.length >> 1]!;
  console.log(`random_mixed ${spec.args.join(' ')}, hakmem, ${rounds} interleaved runs each`);
  console.log(`  median ops/s: plain ${median(plain).toFixed(0)}, armed ${median(armed).toFixed(0)}`);
  console.log(`  verdict: ${c.verdict}; ${verdictSentence(c)}`);
}

async function crashToReport(): Promise<void> {
  const planted = buildPlantedAllocator();
  try {
    for (const spec of nativePresets(planted.dir)) {
      const t0 = Date.now();
      const r = await runSuite({
        benchmark: { ...spec, env: { HAKMEM_PLANT: 'segv' } },
        allocators: [planted.releaseLib],
        runs: 1,
        warmup: 0,
        timeoutMs: 120_000,
        build: false,
        nativeDir: planted.dir,
        signal: new AbortController().signal,
      });
      const crash = r.failures[0]?.crash;
      const total = Date.now() - t0;
      if (!crash) console.log(`  ${spec.name}: did not crash (${r.failures[0]?.message ?? 'ran to completion'})`);
      else
        console.log(
          `  ${spec.name}: ${crash.signal} via ${crash.method}, report ${crash.captureMs} ms after the crash (${crash.threads.length} threads; whole run ${total} ms)`,
        );
    }
  } finally {
    rmSync(planted.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--rounds');
  const rounds = at >= 0 ? Number(process.argv[at + 1]) : 15;
  await armedCost(rounds);
  console.log('crash to report, bundled benchmarks under the planted allocator (HAKMEM_PLANT=segv):');
  await crashToReport();
}

void main();

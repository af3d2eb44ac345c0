// The runner on the real bundled benchmarks (small arguments) against every
// allocator installed here. The native build is part of `npm test` set-up.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ALLOCATOR_NAMES, resolveAllocator } from '../../server/src/bench/allocators';
import { buildBenchmark } from '../../server/src/bench/build';
import { nativePresets } from '../../server/src/bench/presets';
import { runSuite } from '../../server/src/bench/runner';
import { repoRoot } from '../util/paths';
import { liveProcessesInGroup } from './support';

const nativeDir = join(repoRoot, 'native');
const presets = nativePresets(nativeDir);
const installed = ALLOCATOR_NAMES.filter((name) => !resolveAllocator(name, nativeDir).missing);

before(async () => {
  // The benchmarks' own build command, as the Run button uses it.
  const build = await buildBenchmark(presets[0]!);
  assert.equal(build.ok, true, `make -C native bench failed:\n${build.output}`);
  assert.deepEqual(
    build.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});

describe('bundled benchmarks under every installed allocator', () => {
  it('finds the Debian peers this machine is set up with', () => {
    // setup.mjs installs libmimalloc2.0, libjemalloc2 and libtcmalloc-minimal4.
    for (const peer of ['mimalloc', 'jemalloc', 'tcmalloc']) {
      const a = resolveAllocator(peer, nativeDir);
      assert.equal(a.missing, undefined, `${peer} missing: apt-get install ${a.missing?.debianPackage}`);
    }
  });

  for (const preset of presets) {
    it(`${preset.name}: quick runs under ${installed.join(', ')}`, async () => {
      assert.ok(existsSync(preset.binary), `${preset.binary} is built by make -C native`);
      const groups: number[] = [];
      const r = await runSuite({
        benchmark: preset,
        allocators: [...installed],
        runs: 2,
        warmup: 0,
        quick: true,
        build: false,
        timeoutMs: 60_000,
        nativeDir,
        signal: new AbortController().signal,
        onSpawn: (g) => groups.push(g),
      });
      assert.deepEqual(r.failures, []);
      assert.deepEqual(r.missing, []);
      assert.equal(r.ok, true);
      assert.deepEqual(
        r.records.map((x) => x.allocator.name),
        [...installed],
      );
      for (const rec of r.records) {
        assert.deepEqual(rec.args, preset.quickArgs);
        assert.equal(rec.samples.length, 2);
        for (const s of rec.samples) {
          assert.ok(s.opsPerSec > 0, `${rec.allocator.name} ops/s`);
          assert.ok(s.seconds > 0);
          assert.ok((s.maxRssKb ?? 0) > 0, 'max RSS read from the result line');
          assert.equal(s.exitStatus, 0);
        }
        if (rec.allocator.name !== 'system') assert.ok(rec.allocator.library && existsSync(rec.allocator.library));
      }
      assert.equal(r.comparisons.length, installed.length - 1);
      for (const c of r.comparisons) {
        assert.ok(['faster', 'slower', 'no significant change'].includes(c.verdict));
        assert.ok(c.ci95[0] <= c.ci95[1] && c.pValue > 0 && c.pValue <= 1);
      }
      for (const g of groups) assert.deepEqual(liveProcessesInGroup(g), []);
    });
  }
});

// Needs gcc, make, patch and gdb: a crashing benchmark run over the language
// server's protocol yields a problem at the planted line with the stack as
// related locations; so does its re-run under a sanitizer.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Requests } from '../../server/src/protocol';
import { LspTestClient } from '../util/lspClient';
import { buildPlantedAllocator, type PlantedAllocator } from '../util/plantedAllocator';

describe('a crashing benchmark over the protocol', () => {
  let planted: PlantedAllocator;
  let client: LspTestClient;

  before(async () => {
    planted = buildPlantedAllocator();
    client = new LspTestClient();
    await client.initialize(planted.dir, {}, { trusted: true });
  });

  after(async () => {
    await client.stop();
    rmSync(planted.dir, { recursive: true, force: true });
  });

  it('returns the crash at its innermost workspace frame, each frame as a related location', async () => {
    const result = await client.connection.sendRequest(Requests.runBenchmark, {
      benchmark: 'fixed_size',
      allocators: ['system', 'hakmem'],
      runs: 2,
      timeoutSeconds: 60,
      noiseThreshold: 1,
      quick: true,
      env: { HAKMEM_PLANT: 'segv' },
    });
    assert.equal(result.crashProblems.length, 1, JSON.stringify(result.results.failures));
    const [problem] = result.crashProblems;
    assert.equal(problem!.file, planted.apiFile);
    assert.equal(problem!.line, planted.line('segv'));
    assert.match(problem!.message, /^hakmem: crashed: SIGSEGV at address 0x[0-9a-f]+ in hak_free — .*bench_fixed_size/);
    assert.ok(problem!.related.length >= 3, 'the stack down to main');
    assert.deepEqual(problem!.related[0], { file: planted.apiFile, line: planted.line('segv'), message: problem!.related[0]!.message });
    assert.ok(problem!.related.some((r) => r.file.endsWith('bench/bench_fixed_size.c')));
    // The glibc series still measured.
    assert.equal(result.results.records.length, 1);
  });

  it('re-runs the benchmark under ASan+UBSan: the report at the planted line, its stack as related locations', async () => {
    const result = await client.connection.sendRequest(Requests.sanitizeBenchmark, {
      benchmark: 'fixed_size',
      sanitizer: 'address',
      timeoutSeconds: 120,
      quick: true,
      env: { HAKMEM_PLANT: 'segv' },
    });
    assert.equal(result.error, undefined, result.summary);
    assert.equal(result.problems.length, 1, result.summary);
    const [problem] = result.problems;
    assert.equal(problem!.file, planted.apiFile);
    assert.equal(problem!.line, planted.line('segv'));
    assert.match(problem!.message, /runtime error: member access within null pointer/);
    assert.ok(problem!.related.some((r) => r.file.endsWith('bench/bench_fixed_size.c')));
    assert.match(result.summary, /^fixed_size under ASan\+UBSan: runtime error$/);
  });
});

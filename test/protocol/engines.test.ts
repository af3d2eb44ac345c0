import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { BenchRecord } from '../../server/src/bench/record';
import { Requests } from '../../server/src/protocol';
import { LspTestClient } from '../util/lspClient';
import { fixturesDir, repoRoot } from '../util/paths';

/** A copy of the bundled allocator with its build, so runs write their history there. */
function allocatorCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-engines-'));
  const history = join(repoRoot, 'native', '.hakmem');
  cpSync(join(repoRoot, 'native'), dir, { recursive: true, filter: (src) => src !== history && !src.startsWith(history + '/') });
  return dir;
}

describe('engine requests over the protocol', () => {
  let dir: string;
  let client: LspTestClient;

  before(async () => {
    dir = allocatorCopy();
    client = new LspTestClient();
    await client.initialize(dir, {}, { trusted: true });
  });

  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the bundled benchmarks and which allocators are installed', async () => {
    const list = await client.connection.sendRequest(Requests.listBenchmarks);
    assert.deepEqual(
      list.benchmarks.map((b) => b.name),
      ['larson', 'random_mixed', 'fixed_size', 'mid_large_mt'],
    );
    assert.ok(
      list.benchmarks.every((b) => b.binary.startsWith(dir)),
      'the opened folder is the allocator benchmarked',
    );
    assert.equal(list.allocators.find((a) => a.name === 'hakmem')?.available, true);
    assert.ok(
      list.envKnobs.some((k) => k.startsWith('HAKMEM_')),
      `knobs: ${list.envKnobs.join(', ')}`,
    );
  });

  it('stops early on a large difference: hakmem vs glibc on larson is decided faster before the budget is spent', async () => {
    const budget = 30;
    const result = await client.connection.sendRequest(Requests.runBenchmark, {
      benchmark: 'larson',
      allocators: ['hakmem', 'system'],
      runs: budget,
      timeoutSeconds: 120,
      noiseThreshold: 1,
      quick: true,
      pinCpus: '0',
      discardFirstOutlier: true,
    });
    const [c] = result.results.comparisons.filter((x) => x.against === 'suite');
    assert.equal(c?.decision, 'faster', c?.words.detail);
    assert.equal(c.paired, true);
    const design = result.results.design!;
    assert.equal(design.kind, 'group-sequential');
    assert.equal(design.stopped, 'decided');
    assert.ok(design.runsUsed < budget, `used ${design.runsUsed} of ${budget} runs`);
    assert.ok(design.spentAlpha > 0 && design.spentAlpha < 0.05, `alpha spent ${design.spentAlpha}`);
    assert.ok(
      design.looks.some((l) => !l.taken),
      'later looks were not needed',
    );
    assert.match(result.results.designLines!.join('\n'), /stopped after \d+ of 30 runs: every comparison decided at look \d of 6/);
    // The history says how it was measured: pinned, the outlier rule, runs used and why it stopped.
    const lines = readFileSync(join(dir, '.hakmem', 'history.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const larson = lines.map((l) => JSON.parse(l) as BenchRecord).filter((r) => r.benchmark === 'larson');
    assert.equal(larson.length, 2);
    for (const r of larson) {
      assert.equal(r.version, 1, 'older readers still read it');
      assert.equal(r.noise?.pinnedCpus, '0');
      assert.equal(r.noise?.discardFirstOutlier, true);
      assert.equal(r.use?.stopped, 'decided');
      assert.equal(r.samples.length + (r.discarded?.length ?? 0), design.runsUsed);
    }
  });

  it('runs a benchmark: records, a comparison with its verdict, and history', async () => {
    const result = await client.connection.sendRequest(Requests.runBenchmark, {
      benchmark: 'fixed_size',
      allocators: ['hakmem', 'system'],
      runs: 3,
      timeoutSeconds: 60,
      noiseThreshold: 1,
      quick: true,
    });
    assert.equal(result.results.type, 'results');
    assert.equal(result.results.comparisons.length, 1);
    assert.ok(['faster', 'slower', 'no significant change'].includes(result.results.comparisons[0]!.verdict));
    assert.ok(['faster', 'slower', 'equivalent', 'undecided'].includes(result.results.comparisons[0]!.decision));
    // The status bar line names the benchmark; hakmem, the allocator under development, is the subject.
    assert.match(
      result.headline,
      /^fixed_size: (hakmem [\d.]+× (faster|slower) than glibc|equivalent within ±1%|no decided change)( · noisy)?$/,
    );
    const history = readFileSync(join(dir, '.hakmem', 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter((line) => (JSON.parse(line) as { benchmark: string }).benchmark === 'fixed_size');
    assert.equal(history.length, 2);
  });

  it("opens a profile file, and locates a frame's function in the index", async () => {
    const result = await client.connection.sendRequest(Requests.profile, {
      inputPath: join(fixturesDir, 'profile', 'workload.perf-script'),
    });
    assert.ok(result.hotFunctions.length > 0 && result.hotFunctions[0]!.selfPct > 0);
    const located = await client.connection.sendRequest(Requests.locateFunction, { name: 'hak_alloc' });
    assert.match(located.uri ?? '', /hakmem_api\.c$/);
    assert.equal(readFileSync(new URL(located.uri!), 'utf8').split('\n')[located.line!]!.includes('hak_alloc'), true);
  });
});

describe('engine requests in an untrusted workspace', () => {
  it('refuses to build or run code, and still answers analysis', async () => {
    const dir = allocatorCopy();
    const client = new LspTestClient();
    try {
      await client.initialize(dir, {}, { trusted: false });
      await assert.rejects(
        client.connection.sendRequest(Requests.runBenchmark, {
          benchmark: 'fixed_size',
          allocators: ['hakmem'],
          runs: 3,
          timeoutSeconds: 10,
          noiseThreshold: 1,
        }),
        /needs a trusted workspace/,
      );
      await assert.rejects(client.connection.sendRequest(Requests.profile, { benchmark: 'fixed_size' }), /needs a trusted workspace/);
      const list = await client.connection.sendRequest(Requests.listBenchmarks);
      assert.equal(list.benchmarks.length, 4);
    } finally {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a window with no folder', () => {
  it('analyses the open file only, lists no benchmarks and proposes no configuration', async () => {
    // Started where C sources and the bundled allocator are (the repository): none of it is the user's workspace.
    const client = new LspTestClient({ cwd: repoRoot });
    try {
      await client.initialize(undefined, {}, { trusted: true });
      const file = join(fixturesDir, 'lint', 'io', 'alloc.c');
      const uri = pathToFileURL(file).href;
      await client.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(file, 'utf8') },
      });
      const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hot-path-io'));
      assert.ok(diagnostics.length > 0);
      const list = await client.connection.sendRequest(Requests.listBenchmarks);
      assert.deepEqual(list.benchmarks, []);
      await assert.rejects(client.connection.sendRequest(Requests.proposeConfig, {}), /needs a folder/);
      assert.ok(
        client.logs.some((l) => /^indexed [01] files/.test(l)),
        `indexed only what is open: ${JSON.stringify(client.logs)}`,
      );
    } finally {
      await client.stop();
    }
  });
});

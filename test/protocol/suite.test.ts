// The suite over the language server's real protocol: hakmem/runSuite in a
// copy of the bundled allocator, with an allocator that crashes on large
// blocks and one that is not installed in the set; the page message it
// returns, the history it writes, and the refusal in an untrusted workspace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Requests } from '../../server/src/protocol';
import { LspTestClient } from '../util/lspClient';
import { fixturesDir, repoRoot } from '../util/paths';

describe('hakmem/runSuite over the protocol', () => {
  let dir: string;
  let crash: string;
  let client: LspTestClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-suite-lsp-'));
    const history = join(repoRoot, 'native', '.hakmem');
    cpSync(join(repoRoot, 'native'), join(dir, 'native'), {
      recursive: true,
      filter: (src) => src !== history && !src.startsWith(history + '/'),
    });
    crash = join(dir, 'libcrash.so');
    const cc = spawnSync('gcc', ['-shared', '-fPIC', '-O1', '-o', crash, join(fixturesDir, 'bench', 'crashalloc.c')], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    client = new LspTestClient();
    await client.initialize(join(dir, 'native'), {}, { trusted: true });
  });

  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the rows asked for under each allocator and returns the page message', { timeout: 600_000 }, async () => {
    const missing = join(dir, 'not-built.so');
    const result = await client.connection.sendRequest(Requests.runSuite, {
      allocators: ['hakmem', 'system', crash, missing],
      rows: ['malloc_large', 'glibc_simple'],
      runs: 2,
      timeoutSeconds: 120,
      noiseThreshold: 1,
      quick: true,
    });
    const report = result.page.report;
    assert.equal(result.page.type, 'suite');
    assert.deepEqual(
      report.rows.map((r) => r.workload),
      ['malloc_large', 'glibc_simple'],
    );
    assert.equal(report.subject, 'hakmem');
    const large = report.rows[0]!;
    assert.equal(large.failures.find((f) => f.allocator === crash)?.kind, 'crash');
    assert.deepEqual(large.cells.map((c) => c.allocator).sort(), ['hakmem', 'system']);
    assert.equal(report.rows[1]!.cells.length, 3);
    assert.deepEqual(
      report.missing.map((m) => m.allocator),
      [missing],
    );
    assert.ok(report.means.some((m) => m.allocator === 'hakmem' && m.rows === 2));
    assert.match(result.headline, /^suite: 2 rows · hakmem geometric mean [\d.]+× the best per row · 1 failed run$/);
    assert.ok(existsSync(join(dir, 'native', '.hakmem', 'suites.jsonl')));
    assert.equal(result.page.history.length, 1);
  });

  it('refuses an unknown row with a clear error', async () => {
    await assert.rejects(
      client.connection.sendRequest(Requests.runSuite, {
        allocators: ['system'],
        rows: ['nope'],
        runs: 1,
        timeoutSeconds: 10,
        noiseThreshold: 1,
      }),
      /unknown suite row 'nope'/,
    );
  });
});

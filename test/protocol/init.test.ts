import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type NotificationType, ShowMessageNotification, type ShowMessageParams } from 'vscode-languageserver-protocol';
import { Notifications, Requests, type ReachNoticeParams } from '../../server/src/protocol';
import { LspTestClient } from '../util/lspClient';
import { cliPath, fixturesDir } from '../util/paths';
import { scratchCopy, sparseTreeFiles } from '../util/treeMarkers';

/** Resolves with the first message of `method`; the test fails if the server ends first. */
function next<T>(client: LspTestClient, type: NotificationType<T>, seen: T[]): Promise<T> {
  return new Promise((resolve) => {
    client.connection.onNotification(type, (p) => {
      seen.push(p);
      resolve(p);
    });
  });
}

/** Settles once the server's current index is complete (requests that read the index wait for it). */
async function indexed(client: LspTestClient): Promise<void> {
  await client.connection.sendRequest(Requests.locateFunction, { name: 'none' });
}

describe('the sparse-reach notice over the protocol', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-sparse-lsp-'));
    for (const [file, text] of Object.entries(sparseTreeFiles())) writeFileSync(join(dir, file), text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a plain LSP client gets one window/showMessage (Info) naming the entry points and the way out', async () => {
    const client = new LspTestClient();
    try {
      const messages: ShowMessageParams[] = [];
      const first = next(client, ShowMessageNotification.type, messages);
      await client.initialize(dir);
      const shown = await first;
      assert.equal(shown.type, 3);
      assert.match(shown.message, /only 2 of 42 functions .* \(free\)/);
      assert.match(shown.message, /"entryPoints" in \.hakmem\.json, or run `hakmem init`/);
      // A rebuild (another build selected) does not repeat it.
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { hakmem: { build: 'debug' } } });
      await indexed(client);
      assert.equal(messages.length, 1);
    } finally {
      await client.stop();
    }
  });

  it('a client that asked for hakmem/reachNotice gets that instead (VS Code offers "Create .hakmem.json")', async () => {
    const client = new LspTestClient();
    try {
      const shown: unknown[] = [];
      client.connection.onNotification('window/showMessage', (p: unknown) => {
        shown.push(p);
      });
      const notices: ReachNoticeParams[] = [];
      const first = next(client, Notifications.reachNotice, notices);
      await client.initialize(dir, {}, { reachNotice: true });
      const notice = await first;
      assert.deepEqual(notice.entryPoints, ['free']);
      assert.deepEqual([notice.reachable, notice.functions], [2, 42]);
      await indexed(client);
      assert.deepEqual(shown, []);
    } finally {
      await client.stop();
    }
  });

  it('no notice when the entry points reach the allocator', async () => {
    const copy = scratchCopy(join(fixturesDir, 'real-allocators', 'rpmalloc'), 'hakmem-dense-lsp-');
    const client = new LspTestClient();
    try {
      const shown: unknown[] = [];
      client.connection.onNotification('window/showMessage', (p: unknown) => {
        shown.push(p);
      });
      await client.initialize(copy.dir);
      await indexed(client);
      assert.deepEqual(shown, []);
    } finally {
      await client.stop();
      copy.remove();
    }
  });
});

describe('hakmem/proposeConfig (behind HAKMEM: Create .hakmem.json)', () => {
  let copy: { dir: string; remove: () => void };
  let client: LspTestClient;
  before(async () => {
    copy = scratchCopy(join(fixturesDir, 'real-allocators', 'mimalloc'), 'hakmem-propose-');
    client = new LspTestClient();
    // Proposing only reads the tree: an untrusted workspace may ask too.
    await client.initialize(copy.dir, {}, { trusted: false });
  });
  after(async () => {
    await client.stop();
    copy.remove();
  });

  it('returns the configuration hakmem init would write, and writes nothing', async () => {
    const proposal = await client.connection.sendRequest(Requests.proposeConfig, {});
    assert.equal(proposal.path, join(copy.dir, '.hakmem.json'));
    assert.equal(proposal.exists, false);
    const cli = spawnSync(process.execPath, [cliPath, 'init', '--dry-run'], { cwd: copy.dir, encoding: 'utf8' });
    assert.equal(proposal.text, cli.stdout);
    const config = JSON.parse(proposal.text) as { entryPoints: string[] };
    assert.deepEqual(config.entryPoints, ['mi_malloc', 'mi_calloc', 'mi_realloc', 'mi_free', 'mi_new_aligned']);
    assert.ok(proposal.summary.some((l) => l.startsWith('entry points: mi_malloc (prefix family mi_*)')));
    assert.equal(existsSync(proposal.path), false);
  });

  it('says when a .hakmem.json already exists (the client then asks before replacing it)', async () => {
    writeFileSync(join(copy.dir, '.hakmem.json'), '{}\n');
    const proposal = await client.connection.sendRequest(Requests.proposeConfig, {});
    assert.equal(proposal.exists, true);
  });
});

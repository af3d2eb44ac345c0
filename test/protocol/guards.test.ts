import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../util/lspClient';
import { fixturesDir } from '../util/paths';

const msg = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

/** One fixture tree opened in a fresh server, with the editor side of one document. */
class OpenFixture {
  readonly client = new LspTestClient();
  dir = '';
  uri = '';
  doc!: TextDocument;
  private version = 1;

  async open(fixture: string, file: string): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), `hakmem-${fixture}-`));
    cpSync(join(fixturesDir, 'lint', fixture), this.dir, { recursive: true });
    this.uri = pathToFileURL(join(this.dir, file)).href;
    const text = readFileSync(join(this.dir, file), 'utf8');
    await this.client.initialize(this.dir);
    this.doc = TextDocument.create(this.uri, 'c', this.version, text);
    await this.client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: this.uri, languageId: 'c', version: this.version, text },
    });
  }

  async close(): Promise<void> {
    await this.client.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  lineOf(needle: string): number {
    return this.doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes(needle));
  }

  async finding(code: string, needle: string): Promise<Diagnostic> {
    const line = this.lineOf(needle);
    const diags = await this.client.waitForDiagnostics(this.uri, (d) => d.some((x) => x.code === code && x.range.start.line === line));
    return diags.find((x) => x.code === code && x.range.start.line === line)!;
  }

  async actions(diag: Diagnostic): Promise<CodeAction[]> {
    return (await this.client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: this.uri },
      range: diag.range,
      context: { diagnostics: [diag] },
    })) as CodeAction[];
  }

  /** Applies edits from the end, as an editor does, sending each as a ranged change. */
  async apply(edits: TextEdit[]): Promise<void> {
    for (const e of [...edits].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    )) {
      this.version++;
      this.doc = TextDocument.update(this.doc, [{ range: e.range, text: e.newText }], this.version);
      await this.client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: this.uri, version: this.version },
        contentChanges: [{ range: e.range, text: e.newText }],
      });
    }
  }
}

describe('release guards of the project over the protocol (static-const config values)', () => {
  const f = new OpenFixture();
  before(() => f.open('config-guard', 'arena.c'));
  after(() => f.close());

  it('names the configured guard in the message and wraps the statement in it; the finding goes away', async () => {
    const diag = await f.finding('hot-path-io', '"fill\\n"');
    assert.match(msg(diag), /guard it with if \(config_debug\) or move it to a cold path/);
    assert.doesNotMatch(msg(diag), /HAKMEM_BUILD_RELEASE/);
    const actions = await f.actions(diag);
    const wrap = actions.find((a) => a.title === 'Wrap in if (config_debug) { … }');
    assert.ok(wrap, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
    const target = f.lineOf('"fill\\n"');
    await f.apply(wrap.edit!.changes![f.uri]!);
    const lines = f.doc.getText().split('\n');
    assert.equal(lines[target], '    if (config_debug) {');
    assert.equal(lines[target + 1], '      fputs("fill\\n", stderr); // expect: hot-path-io');
    assert.equal(lines[target + 2], '    }');
    await f.client.waitForDiagnostics(
      f.uri,
      (d) => !d.some((x) => x.code === 'hot-path-io' && msg(x).startsWith('fputs') && x.range.start.line === target + 1),
    );
  });

  it("uses the rule's own guard for counters", async () => {
    const diag = await f.finding('hot-path-counter', 'nrequests_total++');
    assert.match(msg(diag), /keep it out of release builds with if \(config_stats\)/);
    const actions = await f.actions(diag);
    const wrap = actions.find((a) => a.title === 'Wrap in if (config_stats) { … }');
    assert.ok(wrap, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
    const target = f.lineOf('nrequests_total++');
    await f.apply(wrap.edit!.changes![f.uri]!);
    assert.equal(f.doc.getText().split('\n')[target], '  if (config_stats) {');
    await f.client.waitForDiagnostics(f.uri, (d) => !d.some((x) => x.code === 'hot-path-counter'));
  });
});

describe('preprocessor guards of the project over the protocol', () => {
  const f = new OpenFixture();
  before(() => f.open('debug-guards', 'alloc.c'));
  after(() => f.close());

  it('wraps in #if MI_DEBUG > 1 … #endif, and the release build then compiles it out', async () => {
    const diag = await f.finding('hot-path-io', '"left in\\n"');
    assert.match(msg(diag), /guard it with #if MI_DEBUG > 1 /);
    const actions = await f.actions(diag);
    const wrap = actions.find((a) => a.title === 'Wrap in #if MI_DEBUG > 1 … #endif');
    assert.ok(wrap, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
    const target = f.lineOf('"left in\\n"');
    await f.apply(wrap.edit!.changes![f.uri]!);
    const lines = f.doc.getText().split('\n');
    assert.equal(lines[target], '#if MI_DEBUG > 1');
    assert.equal(lines[target + 2], '#endif');
    await f.client.waitForDiagnostics(f.uri, (d) => !d.some((x) => x.code === 'hot-path-io' && msg(x).startsWith('fprintf')));
  });
});

describe('slow-path OS calls over the protocol', () => {
  const f = new OpenFixture();
  before(() => f.open('slow-path', 'alloc.c'));
  after(() => f.close());

  it('are information naming the branch; the same call on the fast path is a warning', async () => {
    const branchLine = f.lineOf('if (mi_unlikely(size > MI_LARGE_MAX))');
    const genericLine = f.lineOf('static void *mi_malloc_generic(size_t size) {');
    const slow = await f.finding('hot-path-syscall', 'MADV_HUGEPAGE');
    assert.equal(slow.severity, 3);
    assert.match(
      msg(slow),
      /on the slow path of mi_malloc_generic, through the noinline slow-path function mi_malloc_generic at alloc\.c:(\d+)/,
    );
    assert.equal(/alloc\.c:(\d+)/.exec(msg(slow))![1], String(genericLine + 1));
    const large = await f.finding('hot-path-syscall', 'return mmap(NULL, size');
    assert.equal(large.severity, 3);
    assert.ok(
      msg(large).includes(`behind the unlikely branch \`if (mi_unlikely(size > MI_LARGE_MAX))\` at alloc.c:${branchLine + 1} `),
      msg(large),
    );
    const branch = large.relatedInformation?.find((r) => r.message.startsWith('slow path:'));
    assert.ok(branch, 'the branch is related information');
    assert.equal(branch.message, 'slow path: unlikely branch: if (mi_unlikely(size > MI_LARGE_MAX))');
    assert.equal(branch.location.range.start.line, branchLine);
    const fast = await f.finding('hot-path-syscall', 'MADV_DONTNEED');
    assert.equal(fast.severity, 2);
    assert.match(msg(fast), /on every call of mi_free \(fast path/);
  });
});

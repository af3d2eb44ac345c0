import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../util/lspClient';
import { fixturesDir } from '../util/paths';

const msg = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

/** 0-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${needle} is in the file`);
  return line;
}

describe('language server on a mimalloc-shaped tree (if mi_unlikely, attribute macros, _Atomic)', () => {
  let dir: string;
  let client: LspTestClient;
  let version = 1;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-lsp-idioms-'));
    cpSync(join(fixturesDir, 'idioms', 'mimalloc'), dir, { recursive: true });
    client = new LspTestClient();
    await client.initialize(dir);
  });

  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function edit(uri: string, range: TextEdit['range'], text: string): Promise<void> {
    version++;
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
  }

  it('shows the fprintf after the second `if mi_unlikely` at its line and column', async () => {
    const path = join(dir, 'src', 'alloc.c');
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
    const line = lineOf(text, 'fprintf(stderr, "mi: block');
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hot-path-io'));
    const io = diags.filter((d) => d.code === 'hot-path-io');
    assert.deepEqual(
      io.map((d) => [d.range.start.line, d.range.start.character]),
      [[line, text.split('\n')[line]!.indexOf('fprintf')]],
    );
    assert.match(msg(io[0]!), /on every call of _mi_page_malloc \(fast path/);
    // The local _Atomic(size_t)* pointer moved in mi_free is not reported as a counter.
    const usedLine = lineOf(text, 'used++;');
    assert.ok(!diags.some((d) => d.code === 'hot-path-counter' && d.range.start.line === usedLine));
  });

  it('flags a hazard typed after the unlikely branches of _mi_malloc_generic as it is typed', async () => {
    const path = join(dir, 'src', 'page.c');
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hot-path-lock'));
    const target = lineOf(text, 'mi_page_t* page = mi_find_page(heap, size);');
    const at = { line: target, character: 0 };
    // Typed in pieces, as an editor sends them: a new unlikely branch, then a getenv after it.
    await edit(uri, { start: at, end: at }, '  if mi_unlikely(size == 0) { return NULL; }\n');
    await edit(
      uri,
      { start: { line: target + 1, character: 0 }, end: { line: target + 1, character: 0 } },
      '  const char* v = getenv("MIMALLOC_X");\n',
    );
    const hazard = (d: Diagnostic[]): boolean =>
      d.some((x) => x.code === 'hot-path-getenv' && x.range.start.line === target + 1 && x.range.start.character === 18);
    const diags = await client.waitForDiagnostics(uri, hazard);
    assert.match(
      msg(diags.find((x) => x.code === 'hot-path-getenv')!),
      /slow path of _mi_malloc_generic, behind the unlikely branch `if \(mi_unlikely\(/,
    );
    // The calls after it still belong to _mi_malloc_generic: the lock in mi_find_page stays reported.
    assert.ok(diags.some((x) => x.code === 'hot-path-lock'));
  });
});

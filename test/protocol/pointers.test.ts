import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, Hover, InlayHint, TextEdit } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../util/lspClient';
import { fixturesDir } from '../util/paths';

describe('USER/BASE kinds over the protocol', () => {
  let dir: string;
  let client: LspTestClient;
  let uri: string;
  let doc: TextDocument;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-ptr-'));
    cpSync(join(fixturesDir, 'pointers', 'slab-index'), dir, { recursive: true });
    uri = pathToFileURL(join(dir, 'free_paths.c')).href;
    const text = readFileSync(join(dir, 'free_paths.c'), 'utf8');
    doc = TextDocument.create(uri, 'c', 1, text);
    client = new LspTestClient();
    await client.initialize(dir);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
  });

  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const mismatches = (d: Diagnostic[]): Diagnostic[] => d.filter((x) => x.code === 'user-base-mismatch');

  it('reports a USER pointer passed where BASE is expected, with where each kind came from', async () => {
    const diags = await client.waitForDiagnostics(uri, (d) => mismatches(d).length > 0);
    const first = mismatches(diags)[0]!;
    assert.equal(first.severity, 1);
    assert.match(String(first.message), /USER pointer `ptr` where BASE is expected/);
    assert.ok((first.relatedInformation ?? []).length >= 2);
  });

  it('shows the kinds as inlay hints and on hover', async () => {
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: doc.lineCount, character: 0 } },
    })) as InlayHint[];
    const labels = new Set(hints.map((h) => h.label));
    assert.ok(labels.has('USER') && labels.has('BASE'), `hints: ${JSON.stringify(hints.slice(0, 5))}`);
    const baseHint = hints.find((h) => h.label === 'BASE')!;
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: baseHint.position.line, character: Math.max(0, baseHint.position.character - 1) },
    })) as Hover | null;
    assert.match(JSON.stringify(hover?.contents ?? ''), /BASE/);
  });

  it('the quick fix inserts the conversion and the finding goes away', async () => {
    const before = mismatches(client.diagnostics(uri)!);
    const target = before[0]!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred && a.edit?.changes?.[uri]);
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(', ')}`);
    const edits = fix.edit!.changes![uri]! as TextEdit[];
    const text = TextDocument.applyEdits(doc, edits);
    assert.match(text.split('\n')[target.range.start.line]!, /ptr_user_to_base\(ptr\)/);
    doc = TextDocument.create(uri, 'c', 2, text);
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
    await client.waitForDiagnostics(uri, (d) => mismatches(d).length === before.length - 1);
  });
});

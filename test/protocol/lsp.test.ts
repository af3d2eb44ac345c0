import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../util/lspClient';
import { fixturesDir } from '../util/paths';

const hasCode = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
const msg = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server over stdio', () => {
  let dir: string;
  let client: LspTestClient;
  let allocUri: string;
  let allocText: string;
  let version = 1;
  let doc: TextDocument;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-lsp-'));
    cpSync(join(fixturesDir, 'lint', 'io'), dir, { recursive: true });
    allocUri = pathToFileURL(join(dir, 'alloc.c')).href;
    allocText = readFileSync(join(dir, 'alloc.c'), 'utf8');
    client = new LspTestClient();
    await client.initialize(dir);
  });

  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends one ranged edit (what an editor sends on a keystroke) and mirrors it locally. */
  async function edit(range: TextEdit['range'], newText: string): Promise<void> {
    version++;
    doc = TextDocument.update(doc, [{ range, text: newText }], version);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: allocUri, version },
      contentChanges: [{ range, text: newText }],
    });
  }

  async function applyEdits(edits: TextEdit[]): Promise<void> {
    // Apply from the end so earlier ranges stay valid, as an editor does.
    for (const e of [...edits].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    )) {
      await edit(e.range, e.newText);
    }
  }

  it('publishes the workspace diagnostics after the initial index, with the call chain', async () => {
    const diags = await client.waitForDiagnostics(allocUri, hasCode('hot-path-io'));
    const io = diags.find((d) => d.code === 'hot-path-io' && msg(d).startsWith('fprintf'));
    assert.ok(io);
    assert.equal(io.source, 'hakmem');
    assert.deepEqual(
      io.relatedInformation?.map((r) => r.message),
      ['malloc is an allocator entry point', 'malloc calls tiny_refill', 'tiny_refill calls superslab_refill'],
    );
    const dimmed = diags.filter((d) => d.code === 'inactive');
    assert.ok(dimmed.length > 0, 'compiled-out code is reported for dimming');
    assert.ok(dimmed.every((d) => d.tags?.includes(1) && d.severity === 4));
    const firstDim = dimmed.map((d) => d.range.start.line).sort((a, b) => a - b);
    const lines = allocText.split('\n');
    assert.ok(firstDim.some((l) => lines[l]!.includes('[DEBUG] compiled out of release')));
  });

  it('updates diagnostics as the document is edited', async () => {
    doc = TextDocument.create(allocUri, 'c', version, allocText);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: allocUri, languageId: 'c', version, text: allocText },
    });
    const lines = allocText.split('\n');
    const target = lines.findIndex((l) => l.includes('return superslab_refill(size);'));
    await edit({ start: { line: target, character: 0 }, end: { line: target, character: 0 } }, '  fprintf(stderr, "added\\n");\n');
    const diags = await client.waitForDiagnostics(allocUri, (d) =>
      d.some((x) => x.code === 'hot-path-io' && x.range.start.line === target),
    );
    assert.ok(msg(diags.find((x) => x.range.start.line === target)!).includes('tiny_refill'));
  });

  it('the wrap quick fix guards the statement and the finding disappears', async () => {
    const lines = doc.getText().split('\n');
    const target = lines.findIndex((l) => l.includes('"added\\n"'));
    const diag = client.diagnostics(allocUri)!.find((d) => d.code === 'hot-path-io' && d.range.start.line === target)!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: allocUri },
      range: diag.range,
      context: { diagnostics: [diag] },
    })) as CodeAction[];
    const wrap = actions.find((a) => a.title === 'Wrap in #if !HAKMEM_BUILD_RELEASE … #endif');
    assert.ok(wrap, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(wrap.isPreferred, true);
    await applyEdits(wrap.edit!.changes![allocUri]!);
    const after = doc.getText().split('\n');
    assert.equal(after[target], '#if !HAKMEM_BUILD_RELEASE');
    assert.equal(after[target + 2], '#endif');
    await client.waitForDiagnostics(
      allocUri,
      (d) => !d.some((x) => x.code === 'hot-path-io' && msg(x).includes('fprintf') && x.range.start.line === target + 1),
    );
  });

  it('the ignore quick fix silences one line', async () => {
    const diag = client.diagnostics(allocUri)!.find((d) => d.code === 'hot-path-io' && msg(d).startsWith('puts'))!;
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: allocUri },
      range: diag.range,
      context: { diagnostics: [diag] },
    })) as CodeAction[];
    const ignore = actions.find((a) => a.title === 'Ignore hot-path-io on this line')!;
    await applyEdits(ignore.edit!.changes![allocUri]!);
    assert.match(doc.getText().split('\n')[diag.range.start.line]!, /puts\("superslab"\);.* \/\/ hakmem-lint: ignore hot-path-io$/);
    await client.waitForDiagnostics(allocUri, (d) => !d.some((x) => msg(x).startsWith('puts')));
  });

  it('hover explains why a function is hot', async () => {
    const lines = doc.getText().split('\n');
    const line = lines.findIndex((l) => l.startsWith('static void *superslab_refill(size_t size) {'));
    const hover = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: allocUri },
      position: { line, character: 'static void *superslab_'.length },
    })) as Hover;
    // The chain, each step a link to where it is defined or called.
    assert.match(
      (hover.contents as { value: string }).value,
      /on the hot path[\s\S]*\[malloc\]\(file:[^)]+\) → \[tiny_refill\]\(file:[^)]+\) → \[superslab_refill\]\(file:[^)]+\)/,
    );
  });

  it('reports a broken .hakmem.json on the file, naming the key, and clears it when fixed', async () => {
    const configPath = join(dir, '.hakmem.json');
    const configUri = pathToFileURL(configPath).href;
    writeFileSync(configPath, '{ "rules": { "hot-path-io": "loud" } }');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 1 }] });
    const bad = await client.waitForDiagnostics(configUri, (d) => d.length > 0);
    assert.equal(bad.length, 1);
    assert.equal(bad[0]!.code, 'config');
    assert.match(msg(bad[0]!), /rules\.hot-path-io must be one of "error", "warning", "information", "hint", "off"/);
    // The defaults stay in use: findings are still reported.
    assert.ok(client.diagnostics(allocUri)!.some((d) => d.code === 'hot-path-io'));

    writeFileSync(configPath, '{ "rules": { "hot-path-io": "off" ');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    await client.waitForDiagnostics(configUri, (d) => d.length === 1 && /not valid JSON/.test(msg(d[0]!)));

    writeFileSync(configPath, '{ "rules": { "hot-path-io": "off" } }');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    await client.waitForDiagnostics(configUri, (d) => d.length === 0);
    await client.waitForDiagnostics(allocUri, (d) => !d.some((x) => x.code === 'hot-path-io'));
  });

  it('keeps answering after bad input: not C, binary, huge, unterminated, invalid UTF-8, deleted while open', async () => {
    const bad: Array<[string, string]> = [
      ['notes.txt', 'just some text, not C at all { ( ['],
      ['binary.c', '\u0000\u0001\u0002ELF\u0000\u0000garbage\u00ff'],
      ['unterminated.c', 'void *malloc(unsigned long n) { /* never closed\n#if 1\nint x = "open string;\n'],
      ['ifs.c', '#if HAKMEM_BUILD_RELEASE\n#ifdef X\nvoid f(void) {\n#elif\n#endif\n#endif\n#endif\n#else\n'],
      ['utf8.c', 'void f(void) { const char *s = "\udc80\ud800 broken"; fprintf(stderr, s); }\n'],
      // About 10 MB: a thousand long functions.
      [
        'huge.c',
        Array.from(
          { length: 1000 },
          (_, i) => `void f${i}(int *a, int *b) {\n${'  a[1] = b[2] * 3 + a[4]; /* body */\n'.repeat(260)}}\n`,
        ).join(''),
      ],
    ];
    for (const [name, text] of bad) {
      const uri = pathToFileURL(join(dir, name)).href;
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    }
    const gone = join(dir, 'gone.c');
    writeFileSync(gone, 'void *malloc(unsigned long n) { puts("x"); return 0; }\n');
    const goneUri = pathToFileURL(gone).href;
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: goneUri, languageId: 'c', version: 1, text: readFileSync(gone, 'utf8') },
    });
    rmSync(gone);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: goneUri, type: 3 }] });
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: goneUri } });
    const ifsUri = pathToFileURL(join(dir, 'ifs.c')).href;
    const problems = await client.waitForDiagnostics(ifsUri, (d) => d.some((x) => x.code === 'preprocessor'), 60000);
    assert.ok(problems.length > 0);
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: allocUri },
      position: { line: 0, character: 0 },
    });
    assert.equal(hover, null);
    assert.equal(client.exited, undefined, `server exited: ${client.stderr.join('')}`);
  });
});

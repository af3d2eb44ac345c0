// Go to definition, find references and the call hierarchy as an editor asks
// for them, from the language server's own index: direct calls, calls through
// function-like and statement macros, calls inside ERROR nodes, static
// functions of the same name in two files, a mimalloc-shaped tree with
// attribute macros, and the hot-path chain in hovers and diagnostics as links.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type {
  CallHierarchyIncomingCall,
  CallHierarchyItem,
  CallHierarchyOutgoingCall,
  Hover,
  InitializeResult,
  Location,
  Position,
  Range,
} from 'vscode-languageserver-protocol';
import { LspTestClient } from '../util/lspClient';
import { fixturesDir } from '../util/paths';

/** A copy of a navigation fixture, served by a fresh language server. */
class Tree {
  readonly dir: string;
  readonly client = new LspTestClient();
  init!: InitializeResult;

  constructor(fixture: string) {
    this.dir = mkdtempSync(join(tmpdir(), `hakmem-nav-${fixture}-`));
    cpSync(join(fixturesDir, 'navigation', fixture), this.dir, { recursive: true });
  }

  async start(): Promise<void> {
    this.init = await this.client.initialize(this.dir);
  }

  async stop(): Promise<void> {
    await this.client.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  uri(rel: string): string {
    return pathToFileURL(join(this.dir, rel)).href;
  }

  lines(rel: string): string[] {
    return readFileSync(join(this.dir, rel), 'utf8').split('\n');
  }

  /** The position of `word` on the first line of `rel` containing `lineNeedle` (default: the word itself). */
  at(rel: string, word: string, lineNeedle: string = word): Position {
    const lines = this.lines(rel);
    const line = lines.findIndex((l) => l.includes(lineNeedle));
    assert.ok(line >= 0, `${lineNeedle} is in ${rel}`);
    const character = lines[line]!.indexOf(word, lines[line]!.indexOf(lineNeedle));
    assert.ok(character >= 0, `${word} is on the line of ${lineNeedle}`);
    return { line, character: character + 1 };
  }

  /** The identifier at a position of a file. */
  wordAt(uri: string, line: number, character: number): string {
    const text = readFileSync(fileURLToPath(uri), 'utf8').split('\n')[line]!;
    return /^\w+/.exec(text.slice(character))?.[0] ?? '';
  }

  /** The text a range covers (one line). */
  text(uri: string, range: Range): string {
    const line = readFileSync(fileURLToPath(uri), 'utf8').split('\n')[range.start.line]!;
    return line.slice(range.start.character, range.end.character);
  }

  /** "file.c:line" (1-based) of a location, relative to the tree, and the text there. */
  where(uri: string, range: Range): string {
    const rel = fileURLToPath(uri).slice(this.dir.length + 1);
    return `${rel}:${range.start.line + 1} ${this.text(uri, range)}`;
  }

  definition(rel: string, position: Position): Promise<Location[] | null> {
    return this.client.connection.sendRequest('textDocument/definition', { textDocument: { uri: this.uri(rel) }, position });
  }

  references(rel: string, position: Position, includeDeclaration: boolean): Promise<Location[] | null> {
    return this.client.connection.sendRequest('textDocument/references', {
      textDocument: { uri: this.uri(rel) },
      position,
      context: { includeDeclaration },
    });
  }

  async prepare(rel: string, position: Position): Promise<CallHierarchyItem[]> {
    const items: CallHierarchyItem[] | null = await this.client.connection.sendRequest('textDocument/prepareCallHierarchy', {
      textDocument: { uri: this.uri(rel) },
      position,
    });
    return items ?? [];
  }

  /** The one item at a function's definition. */
  async item(rel: string, name: string, lineNeedle: string = name): Promise<CallHierarchyItem> {
    const items = await this.prepare(rel, this.at(rel, name, lineNeedle));
    assert.equal(items.length, 1, `one item for ${name}: ${JSON.stringify(items)}`);
    return items[0]!;
  }

  incoming(item: CallHierarchyItem): Promise<CallHierarchyIncomingCall[]> {
    return this.client.connection.sendRequest('callHierarchy/incomingCalls', { item });
  }

  outgoing(item: CallHierarchyItem): Promise<CallHierarchyOutgoingCall[]> {
    return this.client.connection.sendRequest('callHierarchy/outgoingCalls', { item });
  }

  /** Incoming calls as "caller: call site, call site". */
  async callers(item: CallHierarchyItem): Promise<string[]> {
    return (await this.incoming(item)).map(
      (c) => `${c.from.name}: ${c.fromRanges.map((r) => `${r.start.line + 1} ${this.text(c.from.uri, r)}`).join(', ')}`,
    );
  }

  /** Outgoing calls as "callee (where defined): call text, call text". */
  async callees(item: CallHierarchyItem): Promise<string[]> {
    return (await this.outgoing(item)).map(
      (c) => `${c.to.name} (${c.to.detail}): ${c.fromRanges.map((r) => `${r.start.line + 1} ${this.text(item.uri, r)}`).join(', ')}`,
    );
  }
}

describe('navigation over the protocol: calls, macros, ERROR nodes', () => {
  const tree = new Tree('calls');
  before(() => tree.start());
  after(() => tree.stop());

  it('advertises definition, references and the call hierarchy', () => {
    const caps = tree.init.capabilities;
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.equal(caps.callHierarchyProvider, true);
  });

  it('goes from a call to the function it calls, in another file', async () => {
    const defs = await tree.definition('user.c', tree.at('user.c', 'pool_take', 'return pool_take('));
    assert.deepEqual(
      defs?.map((d) => tree.where(d.uri, d.range)),
      ['pool.c:20 pool_take'],
    );
  });

  it('goes from a prototype in a header to the definition', async () => {
    const defs = await tree.definition('pool.h', tree.at('pool.h', 'pool_give', 'void pool_give('));
    assert.deepEqual(
      defs?.map((d) => tree.where(d.uri, d.range)),
      ['pool.c:28 pool_give'],
    );
  });

  it('goes from a function-like macro call to its #define', async () => {
    const defs = await tree.definition('pool.c', tree.at('pool.c', 'POOL_REFILL', 'POOL_REFILL(rounded)'));
    assert.deepEqual(
      defs?.map((d) => tree.where(d.uri, d.range)),
      ['pool.h:11 POOL_REFILL'],
    );
  });

  it('resolves a static function to the one in the calling file', async () => {
    const fromUser = await tree.definition('user.c', tree.at('user.c', 'pool_note', 'pool_note(n);'));
    assert.deepEqual(
      fromUser?.map((d) => tree.where(d.uri, d.range)),
      ['user.c:4 pool_note'],
    );
    const fromPool = await tree.definition('pool.c', tree.at('pool.c', 'pool_note', 'pool_note(rounded);'));
    assert.deepEqual(
      fromPool?.map((d) => tree.where(d.uri, d.range)),
      ['pool.c:8 pool_note'],
    );
  });

  it('answers nothing for a name that is no function', async () => {
    assert.equal(await tree.definition('pool.c', tree.at('pool.c', 'free_list', 'free_list = block;')), null);
  });

  it('finds the references of a function: direct calls, calls through a macro, calls in ERROR nodes', async () => {
    const at = tree.at('pool.c', 'pool_refill', 'void pool_refill(');
    const refs = await tree.references('pool.c', at, false);
    assert.deepEqual(
      refs?.map((r) => tree.where(r.uri, r.range)),
      // The macro's call site is where pool_take calls pool_refill; pool_broken's body has ERROR nodes.
      ['pool.c:23 POOL_REFILL', 'pool.c:38 pool_refill'],
    );
    const withDeclaration = await tree.references('pool.c', at, true);
    assert.deepEqual(
      withDeclaration?.map((r) => tree.where(r.uri, r.range)),
      ['pool.c:12 pool_refill', 'pool.c:23 POOL_REFILL', 'pool.c:38 pool_refill'],
    );
    const give = await tree.references('pool.h', tree.at('pool.h', 'pool_give', 'void pool_give('), false);
    assert.deepEqual(
      give?.map((r) => tree.where(r.uri, r.range)),
      // The first is inside an ERROR node, not a call expression.
      ['pool.c:37 pool_give', 'user.c:18 pool_give'],
    );
  });

  it('finds the calls of a macro, and its #define', async () => {
    const refs = await tree.references('pool.h', tree.at('pool.h', 'POOL_FLUSH', '#define POOL_FLUSH'), true);
    assert.deepEqual(
      refs?.map((r) => tree.where(r.uri, r.range)),
      ['pool.h:13 POOL_FLUSH', 'pool.c:30 POOL_FLUSH'],
    );
  });

  it('prepares the call hierarchy at a definition, a call or a prototype', async () => {
    const atDefinition = await tree.item('pool.c', 'pool_take', 'void *pool_take(');
    assert.equal(atDefinition.name, 'pool_take');
    assert.equal(atDefinition.detail, 'pool.c');
    assert.equal(tree.where(atDefinition.uri, atDefinition.selectionRange), 'pool.c:20 pool_take');
    const atCall = await tree.item('user.c', 'pool_take', 'return pool_take(');
    assert.deepEqual(atCall.data, atDefinition.data);
    const atPrototype = await tree.item('pool.h', 'pool_take', 'void *pool_take(');
    assert.deepEqual(atPrototype.data, atDefinition.data);
  });

  it('lists incoming calls, grouped by caller, with each call site', async () => {
    assert.deepEqual(await tree.callers(await tree.item('pool.c', 'pool_take', 'void *pool_take(')), ['pool_scratch: 9 pool_take']);
    assert.deepEqual(await tree.callers(await tree.item('pool.c', 'pool_give', 'void pool_give(')), [
      'pool_broken: 37 pool_give',
      'free: 18 pool_give',
    ]);
    // A macro's call site counts as a call of what it expands to.
    assert.deepEqual(await tree.callers(await tree.item('pool.c', 'pool_refill', 'void pool_refill(')), [
      'pool_take: 23 POOL_REFILL',
      'pool_broken: 38 pool_refill',
    ]);
    // Each static pool_note has its own callers.
    assert.deepEqual(await tree.callers(await tree.item('pool.c', 'pool_note', 'static void pool_note(')), ['pool_take: 22 pool_note']);
    assert.deepEqual(await tree.callers(await tree.item('user.c', 'pool_note', 'static void pool_note(')), ['malloc: 13 pool_note']);
  });

  it('lists outgoing calls, through macros and in ERROR nodes, and calls outside the workspace', async () => {
    assert.deepEqual(await tree.callees(await tree.item('pool.c', 'pool_take', 'void *pool_take(')), [
      'pool_round (static · pool.h): 21 pool_round',
      'pool_note (static · pool.c): 22 pool_note',
      'pool_refill (pool.c · through POOL_REFILL): 23 POOL_REFILL',
    ]);
    assert.deepEqual(await tree.callees(await tree.item('pool.c', 'pool_give', 'void pool_give(')), [
      'pool_flush_all (pool.c · through POOL_FLUSH): 30 POOL_FLUSH',
    ]);
    assert.deepEqual(await tree.callees(await tree.item('pool.c', 'pool_broken', 'void pool_broken(')), [
      'pool_give (pool.c): 37 pool_give',
      'pool_refill (pool.c): 38 pool_refill',
    ]);
    const refill = await tree.item('pool.c', 'pool_refill', 'void pool_refill(');
    const [fprintf] = await tree.outgoing(refill);
    assert.equal(fprintf?.to.name, 'fprintf');
    assert.equal(fprintf?.to.detail, 'not defined in the workspace');
    // An external function's callers are every call of its name.
    assert.deepEqual(await tree.callers(fprintf!.to), ['pool_refill: 13 fprintf']);
  });

  it('makes the chain in a hover links to each call site, and in diagnostics a location per step', async () => {
    const at = tree.at('pool.c', 'pool_refill', 'void pool_refill(');
    const hover: Hover = await tree.client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: tree.uri('pool.c') },
      position: at,
    });
    const value = (hover.contents as { value: string }).value;
    const links = [...value.matchAll(/\[(\w+)\]\((file:[^)#]+)#L(\d+),(\d+)\)/g)].map((m) => {
      const [line, column] = [Number(m[3]), Number(m[4])];
      const rel = fileURLToPath(m[2]!).slice(tree.dir.length + 1);
      return `${m[1]} → ${rel}:${line} ${tree.wordAt(m[2]!, line - 1, column - 1)}`;
    });
    // malloc at its definition, then each function at the call that reaches it (pool_refill through its macro).
    assert.deepEqual(links, [
      'malloc → user.c:12 malloc',
      'pool_scratch → user.c:14 pool_scratch',
      'pool_take → user.c:9 pool_take',
      'pool_refill → pool.c:23 POOL_REFILL',
    ]);
    const diagnostics = await tree.client.waitForDiagnostics(tree.uri('pool.c'), (d) => d.some((x) => x.code === 'hot-path-io'));
    const io = diagnostics.find((d) => d.code === 'hot-path-io')!;
    assert.deepEqual(
      io.relatedInformation?.map((r) => `${r.message} @ ${tree.where(r.location.uri, r.location.range).split(' ')[0]}`),
      [
        'malloc is an allocator entry point @ user.c:12',
        'malloc calls pool_scratch @ user.c:14',
        'pool_scratch calls pool_take @ user.c:9',
        'pool_take calls pool_refill @ pool.c:23',
      ],
    );
  });

  it('answers from the text just typed, before diagnostics are published', async () => {
    const uri = tree.uri('user.c');
    const text = readFileSync(join(tree.dir, 'user.c'), 'utf8');
    await tree.client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const line = tree.lines('user.c').findIndex((l) => l.includes('pool_give(p);'));
    await tree.client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '  pool_refill(1);\n' }],
    });
    const free = await tree.item('user.c', 'free', 'void free(');
    const callees = (await tree.outgoing(free)).map((c) => `${c.to.name}@${c.fromRanges[0]!.start.line + 1}`);
    assert.deepEqual(callees, [`pool_refill@${line + 1}`, `pool_give@${line + 2}`]);
  });
});

describe('navigation over the protocol: a mimalloc-shaped tree', () => {
  const tree = new Tree('mimalloc');
  before(() => tree.start());
  after(() => tree.stop());

  it('finds mi_ functions declared and defined between attribute macros', async () => {
    const defs = await tree.definition('include/mimalloc.h', tree.at('include/mimalloc.h', 'mi_malloc', 'void* mi_malloc('));
    assert.deepEqual(
      defs?.map((d) => tree.where(d.uri, d.range)),
      ['src/alloc.c:43 mi_malloc'],
    );
    const item = await tree.item('src/alloc.c', 'mi_malloc', 'void* mi_malloc(');
    assert.equal(item.name, 'mi_malloc');
    // The item covers the definition, from its declarator (the attribute macros before it are not C) to its closing brace.
    const lines = tree.lines('src/alloc.c');
    assert.match(lines[item.range.start.line]!.slice(item.range.start.character), /^void\* mi_malloc\(size_t size\) mi_attr_noexcept \{/);
    assert.equal(lines[item.range.end.line]!.slice(0, item.range.end.character), '}');
  });

  it('lists what mi_malloc calls, through mi_heap_get_default() to the inline function it names', async () => {
    assert.deepEqual(await tree.callees(await tree.item('src/alloc.c', 'mi_malloc', 'void* mi_malloc(')), [
      'mi_heap_malloc (src/alloc.c): 44 mi_heap_malloc',
      'mi_prim_get_default_heap (static · include/mimalloc/internal.h · through mi_heap_get_default): 44 mi_heap_get_default',
    ]);
  });

  it('follows nested tracking macros to the functions they call, and skips hint and no-op macros', async () => {
    assert.deepEqual(await tree.callees(await tree.item('src/alloc.c', 'mi_heap_malloc_small_zero', 'void* mi_heap_malloc_small_zero(')), [
      '_mi_heap_get_free_small_page (static · include/mimalloc/internal.h): 18 _mi_heap_get_free_small_page',
      '_mi_page_malloc (src/alloc.c): 19 _mi_page_malloc',
      '_mi_track_alloc (src/page.c · through mi_track_malloc): 20 mi_track_malloc',
      'mi_usable_size (src/free.c · through mi_track_malloc): 20 mi_track_malloc',
    ]);
    const free = await tree.callees(await tree.item('src/free.c', 'mi_free', 'void mi_free('));
    assert.deepEqual(free, ['_mi_ptr_page (src/page.c): 13 _mi_ptr_page', '_mi_free_generic (src/page.c): 22 _mi_free_generic']);
  });

  it('lists who calls the slow path, and who reaches mi_usable_size through a macro', async () => {
    assert.deepEqual(await tree.callers(await tree.item('src/page.c', '_mi_malloc_generic', 'void* _mi_malloc_generic(')), [
      '_mi_page_malloc: 9 _mi_malloc_generic',
      '_mi_heap_malloc_zero_ex: 33 _mi_malloc_generic',
    ]);
    assert.deepEqual(await tree.callers(await tree.item('src/free.c', 'mi_usable_size', 'size_t mi_usable_size(')), [
      'mi_heap_malloc_small_zero: 20 mi_track_malloc',
      '_mi_heap_malloc_zero_ex: 34 mi_track_malloc',
    ]);
  });

  it('goes from a macro call to the #define the build compiles', async () => {
    const defs = await tree.definition('src/alloc.c', tree.at('src/alloc.c', 'mi_assert_internal', 'mi_assert_internal(block'));
    // Two #defines; the release build (MI_DEBUG undefined) compiles the empty one.
    assert.deepEqual(
      defs?.map((d) => tree.where(d.uri, d.range)),
      ['include/mimalloc/internal.h:15 mi_assert_internal'],
    );
    // A call hierarchy on a call through a macro starts at the function it reaches.
    const [item] = await tree.prepare('src/alloc.c', tree.at('src/alloc.c', 'mi_heap_get_default', 'mi_heap_get_default()'));
    assert.equal(item?.name, 'mi_prim_get_default_heap');
  });
});

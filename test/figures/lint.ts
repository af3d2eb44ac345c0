/**
 * `npm run bench`: lint throughput on sqlite3.c against a bare tree-sitter parse,
 * lint time on a generated many-file tree, edit→diagnostics latency over the
 * protocol, the server's peak memory, and the time of definition, references
 * and call-hierarchy requests on sqlite3.c.
 * Prints figures; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lintPaths } from '../../server/src/analysis/lint';
import { loadC } from '../../server/src/parse/treeSitter';
import { LspTestClient } from '../util/lspClient';
import { repoRoot } from '../util/paths';

const SQLITE_PACKAGE = 'better-sqlite3@13.2.0';
const MANY_FILES = 200;

/** sqlite3.c ships inside better-sqlite3's npm package (deps/sqlite3); fetched once into .cache/. */
function sqliteSource(): string {
  const dir = join(repoRoot, '.cache', 'bench', 'sqlite');
  const file = join(dir, 'sqlite3.c');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  console.log(`fetching sqlite3.c from ${SQLITE_PACKAGE} …`);
  const tgz = execFileSync('npm', ['pack', SQLITE_PACKAGE, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
  execFileSync('tar', ['xzf', tgz, '--strip-components=3', 'package/deps/sqlite3/sqlite3.c'], { cwd: dir });
  rmSync(join(dir, tgz));
  return file;
}

function best<T>(runs: number, f: () => T): { ms: number; value: T } {
  let bestMs = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = f();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  return { ms: bestMs, value };
}

async function bestAsync<T>(runs: number, f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let bestMs = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await f();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  return { ms: bestMs, value };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A 5,000-line allocator-like file whose hot path has findings on known lines. */
function generatedAllocator(lines: number): { text: string; editLine: number } {
  const out = ['#include <stdio.h>', '#include <stddef.h>', 'static unsigned long g_calls;', ''];
  let fn = 0;
  while (out.length < lines - 20) {
    out.push(`static void *refill_${fn}(size_t n, void **slot) {`);
    out.push(`  if (n > ${fn}) { *slot = (void *)(n + ${fn}); }`);
    for (let i = 0; i < 12; i++) out.push(`  n = (n * ${i + 3}) ^ (n >> ${(i % 7) + 1});`);
    out.push('#if !HAKMEM_BUILD_RELEASE', `  fprintf(stderr, "refill ${fn} %zu\\n", n);`, '#endif');
    out.push(fn === 0 ? '  return NULL;' : `  return refill_${fn - 1}(n, slot);`, '}', '');
    fn++;
  }
  out.push('void *malloc(size_t n) {', '  void *slot = NULL;');
  const editLine = out.length;
  out.push('  fprintf(stderr, "malloc %zu\\n", n);', '  g_calls++;', `  return refill_${fn - 1}(n, &slot);`, '}');
  return { text: out.join('\n') + '\n', editLine };
}

/**
 * An allocator-shaped tree of `files` sources sharing two headers (macros,
 * attribute macros, counters), written into `dir` with a .hakmem.json.
 */
function writeManyFileTree(dir: string, files: number): number {
  mkdirSync(join(dir, 'include'), { recursive: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'include', 'alloc_config.h'),
    [
      '#ifndef ALLOC_CONFIG_H',
      '#define ALLOC_CONFIG_H',
      '#include <stddef.h>',
      '#define al_likely(x) (__builtin_expect(!!(x), 1))',
      '#define al_unlikely(x) (__builtin_expect(!!(x), 0))',
      '#define al_attr_malloc __attribute__((malloc))',
      '#define al_attr_alloc_size(n) __attribute__((alloc_size(n)))',
      '#define al_decl_export __attribute__((visibility("default")))',
      '#define al_inline static inline __attribute__((always_inline))',
      '#if !HAKMEM_BUILD_RELEASE',
      '#define AL_TRACE(...) fprintf(stderr, __VA_ARGS__)',
      '#else',
      '#define AL_TRACE(...) ((void)0)',
      '#endif',
      '#endif',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'include', 'alloc_stats.h'),
    [
      '#ifndef ALLOC_STATS_H',
      '#define ALLOC_STATS_H',
      '#include "alloc_config.h"',
      'extern unsigned long al_stat_allocs;',
      'void al_stats_print(void);',
      '#endif',
      '',
    ].join('\n'),
  );
  let lines = 0;
  for (let f = 0; f < files; f++) {
    const out = ['#include <stdio.h>', '#include "alloc_config.h"', '#include "alloc_stats.h"', `static void *free_list_${f};`, ''];
    for (let k = 0; k < 6; k++) {
      const next = k === 5 ? (f + 1 < files ? `page_refill_${f + 1}_0(n)` : 'NULL') : `page_refill_${f}_${k + 1}(n)`;
      out.push(`al_inline size_t size_class_${f}_${k}(size_t n) {`, `  return (n + ${k + 7}) >> ${(k % 4) + 3};`, '}', '');
      out.push(`al_decl_export void *page_refill_${f}_${k}(size_t n) al_attr_malloc al_attr_alloc_size(1) {`);
      out.push(
        `  size_t c = size_class_${f}_${k}(n);`,
        '  if al_unlikely(c == 0) {',
        `    AL_TRACE("empty class %zu\\n", n);`,
        '    return NULL;',
        '  }',
      );
      for (let i = 0; i < 8; i++) out.push(`  c = (c * ${i + 3}) ^ (c >> ${(i % 5) + 1});`);
      out.push(
        '  if (al_likely(free_list_' + f + ' != NULL)) {',
        `    void *p = free_list_${f};`,
        `    free_list_${f} = *(void **)p;`,
        '    return p;',
        '  }',
      );
      out.push(`  return ${next};`, '}', '');
    }
    if (f === 0) out.push('void *malloc(size_t n) {', '  al_stat_allocs++;', '  return page_refill_0_0(n);', '}', '');
    lines += out.length;
    writeFileSync(join(dir, 'src', `part_${f}.c`), out.join('\n'));
  }
  writeFileSync(join(dir, '.hakmem.json'), JSON.stringify({ includePaths: ['include'] }));
  return lines;
}

async function editLatency(): Promise<{ p50: number; p95: number; lines: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-bench-edit-'));
  const { text, editLine } = generatedAllocator(5000);
  const path = join(dir, 'alloc.c');
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  const client = new LspTestClient();
  try {
    await client.initialize(dir);
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hot-path-io'), 60000);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      // Alternately insert and delete one space before the fprintf: its finding moves, so diagnostics are republished.
      const insert = i % 2 === 0;
      const expectedColumn = insert ? 3 : 2;
      const t0 = performance.now();
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [
          insert
            ? { range: { start: { line: editLine, character: 0 }, end: { line: editLine, character: 0 } }, text: ' ' }
            : { range: { start: { line: editLine, character: 0 }, end: { line: editLine, character: 1 } }, text: '' },
        ],
      });
      await client.waitForDiagnostics(uri, (d) =>
        d.some((x) => x.code === 'hot-path-io' && x.range.start.line === editLine && x.range.start.character === expectedColumn),
      );
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { p50: percentile(samples, 50), p95: percentile(samples, 95), lines: text.split('\n').length };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Position of `word` on the first line (from `fromLine`) of `lines` that contains `needle`. */
function positionOf(lines: readonly string[], needle: string, word: string, fromLine = 0): { line: number; character: number } {
  const line = lines.findIndex((l, i) => i >= fromLine && l.includes(needle));
  if (line < 0) throw new Error(`${needle} not found in sqlite3.c`);
  return { line, character: lines[line]!.indexOf(word, lines[line]!.indexOf(needle)) + 1 };
}

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

interface NavigationFigures {
  /** The first definition request after indexing, and the first references request (which builds the call index). */
  firstDefinitionMs: number;
  firstReferencesMs: number;
  /** Median of warm requests, per kind. */
  warm: Record<'definition' | 'references' | 'prepare' | 'incoming' | 'outgoing', number>;
  referenceCount: number;
  incomingCallers: number;
  /** Median of a definition request right after a one-character edit (re-analysis and a new index first). */
  afterEditMs: number;
}

/** Definition, references and the call hierarchy over LSP on sqlite3.c, with the file open. */
async function navigationFigures(client: LspTestClient, uri: string, text: string): Promise<NavigationFigures> {
  const lines = text.split('\n');
  const c = client.connection;
  const definitionLine = lines.findIndex((l) => l.startsWith('SQLITE_PRIVATE int sqlite3VdbeAddOp2(Vdbe *p,'));
  const call = positionOf(lines, 'sqlite3VdbeAddOp2(p, OP_Init', 'sqlite3VdbeAddOp2');
  const definition = positionOf(lines, 'sqlite3VdbeAddOp2(Vdbe *p,', 'sqlite3VdbeAddOp2', definitionLine);
  const doc = { textDocument: { uri } };
  const time = async <T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> => {
    const t0 = performance.now();
    const value = await f();
    return { ms: performance.now() - t0, value };
  };
  const ask = {
    definition: () => c.sendRequest('textDocument/definition', { ...doc, position: call }) as Promise<unknown[] | null>,
    references: () =>
      c.sendRequest('textDocument/references', { ...doc, position: definition, context: { includeDeclaration: true } }) as Promise<
        unknown[] | null
      >,
    prepare: () => c.sendRequest('textDocument/prepareCallHierarchy', { ...doc, position: definition }) as Promise<unknown[] | null>,
  };
  const first = await time(ask.definition);
  const firstReferences = await time(ask.references);
  const [item] = ((await ask.prepare()) ?? []) as unknown[];
  if (!item || !first.value?.length) throw new Error('no definition or call-hierarchy item for sqlite3VdbeAddOp2');
  const incoming = () => c.sendRequest('callHierarchy/incomingCalls', { item }) as Promise<unknown[]>;
  const outgoing = () => c.sendRequest('callHierarchy/outgoingCalls', { item }) as Promise<unknown[]>;
  const kinds = { ...ask, incoming, outgoing };
  const warm = {} as NavigationFigures['warm'];
  let referenceCount = 0;
  let incomingCallers = 0;
  for (const [kind, f] of Object.entries(kinds) as Array<[keyof NavigationFigures['warm'], () => Promise<unknown[] | null>]>) {
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      const r = await time(f);
      samples.push(r.ms);
      if (kind === 'references') referenceCount = r.value?.length ?? 0;
      if (kind === 'incoming') incomingCallers = r.value?.length ?? 0;
    }
    warm[kind] = median(samples);
  }
  // Typing invalidates the call graph: the next answer re-analyses the edited function and rebuilds the index.
  const editLine = definitionLine + 1;
  const afterEdit: number[] = [];
  for (let i = 0; i < 10; i++) {
    const insert = i % 2 === 0;
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: i + 2 },
      contentChanges: [
        insert
          ? { range: { start: { line: editLine, character: 0 }, end: { line: editLine, character: 0 } }, text: ' ' }
          : { range: { start: { line: editLine, character: 0 }, end: { line: editLine, character: 1 } }, text: '' },
      ],
    });
    afterEdit.push((await time(ask.definition)).ms);
  }
  return {
    firstDefinitionMs: first.ms,
    firstReferencesMs: firstReferences.ms,
    warm,
    referenceCount,
    incomingCallers,
    afterEditMs: median(afterEdit),
  };
}

/** The language server with sqlite3.c open: its peak memory, then navigation over it. */
async function serverOnSqlite(sqlite: string): Promise<{ peakMb: number; navigation: NavigationFigures }> {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-bench-mem-'));
  const path = join(dir, 'sqlite3.c');
  writeFileSync(path, readFileSync(sqlite));
  const uri = pathToFileURL(path).href;
  const client = new LspTestClient();
  try {
    await client.initialize(dir);
    const text = readFileSync(path, 'utf8');
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    await client.waitForDiagnostics(uri, () => true, 300000);
    // Peak resident set size of the server process (VmHWM), in MB.
    const status = readFileSync(`/proc/${client.pid}/status`, 'utf8');
    const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
    return { peakMb, navigation: await navigationFigures(client, uri, text) };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sqlite = sqliteSource();
  const text = readFileSync(sqlite, 'utf8');
  const mb = Buffer.byteLength(text) / 1e6;
  const lines = text.split('\n').length;
  const lang = await loadC();
  const parser = lang.newParser();
  const parse = best(3, () => {
    const tree = parser.parse(text);
    tree?.delete();
  });
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-bench-lint-'));
  writeFileSync(join(dir, 'sqlite3.c'), text);
  const lint = await bestAsync(3, () => lintPaths([dir], { cwd: dir, build: 'release' }));
  rmSync(dir, { recursive: true, force: true });
  console.log(`sqlite3.c: ${mb.toFixed(1)} MB, ${lines} lines`);
  console.log(`  bare tree-sitter parse: ${(parse.ms / 1000).toFixed(2)} s (${Math.round(lines / (parse.ms / 1000))} lines/s)`);
  console.log(
    `  hakmem lint:            ${(lint.ms / 1000).toFixed(2)} s (${Math.round(lines / (lint.ms / 1000))} lines/s), ${lint.value.findings.length} findings`,
  );
  console.log(`  lint / parse:           ${(lint.ms / parse.ms).toFixed(2)}x (target <= 1.5x)`);

  const treeDir = mkdtempSync(join(tmpdir(), 'hakmem-bench-tree-'));
  const treeLines = writeManyFileTree(treeDir, MANY_FILES);
  const treeLint = await bestAsync(3, () => lintPaths([treeDir], { cwd: treeDir, build: 'release' }));
  rmSync(treeDir, { recursive: true, force: true });
  console.log(`many-file tree: ${MANY_FILES} files and 2 shared headers, ${treeLines} lines`);
  console.log(
    `  hakmem lint:            ${(treeLint.ms / 1000).toFixed(2)} s, ${treeLint.value.files} files, ${treeLint.value.findings.length} findings`,
  );

  const latency = await editLatency();
  console.log(`edit -> diagnostics over LSP, 200 single-character edits in a ${latency.lines}-line file:`);
  console.log(`  p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms (target p95 <= 50 ms)`);

  const server = await serverOnSqlite(sqlite);
  console.log(`language server peak RSS with sqlite3.c open: ${server.peakMb.toFixed(0)} MB (target <= 300 MB)`);
  const nav = server.navigation;
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  console.log(`navigation over LSP in sqlite3.c, on sqlite3VdbeAddOp2 (${nav.referenceCount} references, ${nav.incomingCallers} callers):`);
  console.log(
    `  first after indexing: definition ${ms(nav.firstDefinitionMs)}, references ${ms(nav.firstReferencesMs)} (builds the call index)`,
  );
  console.log(
    `  warm, median of 15: definition ${ms(nav.warm.definition)}, references ${ms(nav.warm.references)}, ` +
      `prepareCallHierarchy ${ms(nav.warm.prepare)}, incomingCalls ${ms(nav.warm.incoming)}, outgoingCalls ${ms(nav.warm.outgoing)}`,
  );
  // The edited file is analysed again before the answer, as for its diagnostics: on a 9.6 MB file that dominates.
  console.log(`  definition right after a one-character edit (re-analysis of the file first), median of 10: ${ms(nav.afterEditMs)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

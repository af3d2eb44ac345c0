/**
 * `npm run bench`: lint throughput on sqlite3.c against a bare tree-sitter parse,
 * edit→diagnostics latency over the protocol, and the server's peak memory.
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
      await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hot-path-io' && x.range.start.line === editLine && x.range.start.character === expectedColumn));
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return { p50: percentile(samples, 50), p95: percentile(samples, 95), lines: text.split('\n').length };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function serverPeakMemory(sqlite: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-bench-mem-'));
  const path = join(dir, 'sqlite3.c');
  writeFileSync(path, readFileSync(sqlite));
  const uri = pathToFileURL(path).href;
  const client = new LspTestClient();
  try {
    await client.initialize(dir);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(path, 'utf8') } });
    await client.waitForDiagnostics(uri, () => true, 300000);
    // Peak resident set size of the server process (VmHWM), in MB.
    const status = readFileSync(`/proc/${client.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
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
  console.log(`  hakmem lint:            ${(lint.ms / 1000).toFixed(2)} s (${Math.round(lines / (lint.ms / 1000))} lines/s), ${lint.value.findings.length} findings`);
  console.log(`  lint / parse:           ${(lint.ms / parse.ms).toFixed(2)}x (target <= 1.5x)`);

  const latency = await editLatency();
  console.log(`edit -> diagnostics over LSP, 200 single-character edits in a ${latency.lines}-line file:`);
  console.log(`  p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms (target p95 <= 50 ms)`);

  const peak = await serverPeakMemory(sqlite);
  console.log(`language server peak RSS with sqlite3.c open: ${peak.toFixed(0)} MB (target <= 300 MB)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

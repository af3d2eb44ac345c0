// Throughput of the line-level preprocessor: `node out/test/figures/preproc.js [FILE.c ...]`.
// Without arguments it generates allocator-like C (10 MB and 5,000 lines) and times both;
// given files (e.g. sqlite3.c) it times those. Prints MB/s and milliseconds per run.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { buildDefines, evaluatePreprocessor, MacroTable } from '../../server/src/preproc';

/** Deterministic C text with the directive mix of allocator sources. */
export function generate(targetBytes: number): string {
  const parts: string[] = [];
  let size = 0;
  let i = 0;
  while (size < targetBytes) {
    const chunk = `/* block ${i}: refill path
 * #if 0 inside a comment is ignored
 */
#define HAK_STAT_${i}(x) ((x) + ${i})
static inline void *hak_alloc_${i}(size_t n) {
    void *p = tls_cache_pop(n); // fast path
#if !HAKMEM_BUILD_RELEASE
    fprintf(stderr, "[DEBUG] alloc %zu -> %p\\n", n, p);
#endif
#if HAKMEM_BUILD_RELEASE && defined(__x86_64__) && (HAK_STAT_${i}(1) > ${i % 7})
    __builtin_prefetch(p);
#elif defined(HAKMEM_TINY_FAST_PATH)
    slow_checked(p, "#if in a string");
#else
    (void)p;
#endif
    if (p == NULL
#ifdef HAKMEM_TINY_PHASE6_BOX_REFACTOR
        && box_enabled()
#endif
    ) { return refill(n); }
    return p;
}

`;
    parts.push(chunk);
    size += chunk.length;
    i++;
  }
  return parts.join('');
}

function time(label: string, text: string, runs: number): void {
  const defines = MacroTable.from(buildDefines('release'));
  evaluatePreprocessor(text, { defines }); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let lines = 0;
  let directives = 0;
  for (let r = 0; r < runs; r++) {
    const res = evaluatePreprocessor(text, { defines });
    lines = res.lineCount;
    directives = res.conditionals.length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  const cpu = process.cpuUsage(cpu0);
  // CPU time is reported too: on a shared machine wall time includes waiting for a core.
  const cpuMs = (cpu.user + cpu.system) / 1000 / runs;
  const mb = Buffer.byteLength(text) / 1e6;
  console.log(
    `${label}: ${mb.toFixed(2)} MB, ${lines} lines, ${directives} evaluated conditionals: ` +
      `${ms.toFixed(2)} ms/run wall, ${cpuMs.toFixed(2)} ms/run CPU, ${(mb / (cpuMs / 1000)).toFixed(1)} MB/s of CPU (${runs} runs)`,
  );
}

/** The first `lines` lines of generated C. */
export function generateLines(lines: number): string {
  return generate(lines * 40)
    .split('\n')
    .slice(0, lines)
    .join('\n');
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    time('generated 5,000-line file', generateLines(5000), 200);
    time('generated 10 MB file', generate(10_000_000), 3);
  } else {
    for (const f of files) time(basename(f), readFileSync(f, 'utf8'), 3);
  }
}

// Precision and recall of the USER/BASE analysis over every fixture, and its cost:
// `npx tsc -b && node out/test/figures/pointers.js [--no-timing]`.
// A fixture line marked `// expect: <code>` must be flagged with that code; anything else flagged is a false positive.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadC, type CLanguage } from '../../server/src/parse/treeSitter';
import { defaultPredefines, evaluatePreprocessor, MacroTable } from '../../server/src/preproc';
import { analyzePointers, extractPointerFacts, parsePointerConfig } from '../../server/src/pointers';
import { clearBodyCache } from '../../server/src/pointers/extract';
import { analyzeFolder } from '../../server/src/pointers/standalone';
import { expectedFindings } from '../util/markers';
import { fixturesDir, repoRoot } from '../util/paths';

const CODES = ['user-base-mismatch', 'double-conversion', 'raw-next-access'] as const;
function expected(dir: string): Set<string> {
  return new Set(expectedFindings(dir, new Set(CODES)));
}

function pct(n: number, d: number): string {
  return d === 0 ? '  n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;
}

function accuracy(lang: CLanguage): void {
  const dir = join(fixturesDir, 'pointers');
  const totals = new Map<string, { tp: number; fp: number; fn: number }>(CODES.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
  console.log('fixture                 TP  FP  FN');
  for (const name of readdirSync(dir).sort()) {
    const want = expected(join(dir, name));
    const result = analyzeFolder(lang, join(dir, name));
    const got = new Set(
      result.files.flatMap((f) => result.model.findings(f.path).map((x) => `${basename(f.path)}:${x.span.line + 1}:${x.code}`)),
    );
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const g of got) {
      const code = g.split(':')[2]!;
      const t = totals.get(code)!;
      if (want.has(g)) {
        tp++;
        t.tp++;
      } else {
        fp++;
        t.fp++;
        console.log(`  false positive: ${name}/${g}`);
      }
    }
    for (const w of want) {
      if (got.has(w)) continue;
      fn++;
      totals.get(w.split(':')[2]!)!.fn++;
      console.log(`  missed: ${name}/${w}`);
    }
    console.log(`${name.padEnd(22)} ${String(tp).padStart(3)} ${String(fp).padStart(3)} ${String(fn).padStart(3)}`);
  }
  console.log('\nrule                   precision  recall');
  let all = { tp: 0, fp: 0, fn: 0 };
  for (const [code, t] of totals) {
    console.log(`${code.padEnd(22)} ${pct(t.tp, t.tp + t.fp)}    ${pct(t.tp, t.tp + t.fn)}`);
    all = { tp: all.tp + t.tp, fp: all.fp + t.fp, fn: all.fn + t.fn };
  }
  console.log(
    `${'all'.padEnd(22)} ${pct(all.tp, all.tp + all.fp)}    ${pct(all.tp, all.tp + all.fn)}   (${all.tp} found, ${all.fp} false, ${all.fn} missed)`,
  );
}

/** Allocator-like C of about `lines` lines: conversions, loops, link API calls. */
function generate(lines: number, salt: string): string {
  const parts: string[] = ['#include <stdint.h>\n#define HDR 16\n'];
  let n = 2;
  for (let i = 0; n < lines; i++) {
    const chunk = `/* ${salt} */
static void *pool_pop_${i}(int cls) {
  void *base = g_head[cls];
  if (base == NULL) return refill_${i}(cls);
  g_head[cls] = hak_link_get(base);
  for (int k = 0; k < 4; k++) {
    if (k == cls) break;
  }
  return hak_base_to_user(base);
}

void pool_free_${i}(void *user, int cls) {
  void *base = (uint8_t *)user - HDR;
  switch (cls) {
  case 0:
    hak_link_set(base, g_head[cls]);
    break;
  default:
    g_head[cls] = base;
  }
  if (user != NULL && cls > 0) pool_pop_${i}(cls - 1);
}
`;
    parts.push(chunk);
    n += chunk.split('\n').length - 1;
  }
  return parts.join('');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function timing(lang: CLanguage): Promise<void> {
  const { config } = parsePointerConfig({
    headerSize: 16,
    toUser: ['hak_base_to_user'],
    toBase: ['hak_user_to_base'],
    linkApi: ['hak_link_get', 'hak_link_set'],
  });
  const parser = lang.newParser();
  const defines = MacroTable.from({ ...defaultPredefines(), HAKMEM_BUILD_RELEASE: '1', NDEBUG: '1' });
  const runs = 11;
  console.log('median of 11 runs, CPU time of this process (the machine is shared; wall time includes waiting for a core)');
  for (const lines of [1000, 5000]) {
    const text = generate(lines, 'a');
    const tree = parser.parse(text)!;
    const preproc = evaluatePreprocessor(text, { defines });
    const realLines = text.split('\n').length;
    const cpu = (f: () => void): number => {
      const c0 = process.cpuUsage();
      f();
      const d = process.cpuUsage(c0);
      return (d.user + d.system) / 1000;
    };
    const extract = (): void => void extractPointerFacts('gen.c', text, tree, preproc, config);
    for (let r = 0; r < 3; r++) {
      clearBodyCache();
      extract(); // warm-up (JIT)
    }
    const cold: number[] = [];
    const warm: number[] = [];
    const analyse: number[] = [];
    const facts = extractPointerFacts('gen.c', text, tree, preproc, config);
    for (let r = 0; r < runs; r++) {
      clearBodyCache();
      cold.push(cpu(extract));
      warm.push(cpu(extract));
      analyse.push(cpu(() => void analyzePointers([facts], config)));
    }
    tree.delete();
    const per1k = (ms: number): string => (ms * (1000 / realLines)).toFixed(2);
    console.log(
      `${String(realLines).padStart(5)} lines: extract ${median(cold).toFixed(1)} ms (${per1k(median(cold))} ms/1k lines); ` +
        `again with unchanged functions ${median(warm).toFixed(1)} ms (${per1k(median(warm))} ms/1k lines); analyse ${median(analyse).toFixed(1)} ms`,
    );
  }
  parser.delete();
  const native = join(repoRoot, 'native');
  const r = analyzeFolder(lang, native);
  const findings = r.files.reduce((n, f) => n + r.model.findings(f.path).length, 0);
  console.log(
    `native/: ${r.files.length} files, ${r.files.reduce((n, f) => n + f.functions.length, 0)} functions, wall: parse ${r.timing.parseMs.toFixed(1)} ms, extract ${r.timing.extractMs.toFixed(1)} ms, analyse ${r.timing.analyzeMs.toFixed(1)} ms; ${findings} findings`,
  );
}

async function main(): Promise<void> {
  const lang = await loadC();
  accuracy(lang);
  if (!process.argv.includes('--no-timing')) {
    console.log('');
    await timing(lang);
  }
}

void main();

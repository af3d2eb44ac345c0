// The standard suite in one run (`npm run bench:native`): every row under the
// five allocators, interleaved rounds, the table of time and peak RSS relative
// to the best per row, the geometric means with their intervals, hakmem's
// geometric-mean time over each peer's, and the mmap + munmap calls of the
// large-block and mstress rows counted with `strace -f -c`.
//   node out/test/figures/native.js [--runs N] [--quick] [--rows a,b] [--allocators x,y]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAllocator } from '../../server/src/bench/allocators';
import { runWorkloadSuite } from '../../server/src/bench/suite/run';
import { suiteReportText } from '../../server/src/bench/suite/text';
import type { SuiteReport } from '../../server/src/bench/suite/types';
import { suiteWorkloads } from '../../server/src/bench/suite/workloads';
import { repoRoot } from '../util/paths';

const ALLOCATORS = ['hakmem', 'system', 'mimalloc', 'jemalloc', 'tcmalloc'];
const COUNTED_ROWS = ['malloc_large', 'mstress'];
const USAGE =
  'usage: node out/test/figures/native.js [--runs N] [--quick] [--rows a,b] [--allocators x,y] (--presets: the four bundled benchmarks)';

interface Options {
  runs: number;
  quick: boolean;
  rows: string[] | undefined;
  allocators: string[];
}

function parse(argv: readonly string[]): Options {
  const o: Options = { runs: 5, quick: false, rows: undefined, allocators: ALLOCATORS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string =>
      argv[++i] ??
      (() => {
        throw new Error(`${arg} needs a value\n${USAGE}`);
      })();
    if (arg === '--runs') o.runs = Number(value());
    else if (arg === '--quick') o.quick = true;
    else if (arg === '--rows') o.rows = value().split(',');
    else if (arg === '--allocators') o.allocators = value().split(',');
    else throw new Error(`unknown argument '${arg}'\n${USAGE}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error(`--runs must be a positive integer\n${USAGE}`);
  return o;
}

/** mmap and munmap calls of one run under `strace -f -c` (the loader's mappings of the program and the preloaded library included). */
function syscallCounts(binary: string, args: readonly string[], preload: string | undefined): { mmap: number; munmap: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-strace-'));
  try {
    const out = join(dir, 'counts.txt');
    const env = { ...process.env };
    delete env.LD_PRELOAD;
    // -E sets the preload for the traced program only, not for strace itself.
    const r = spawnSync(
      'strace',
      ['-f', '-c', '-e', 'trace=mmap,munmap', '-o', out, ...(preload ? ['-E', `LD_PRELOAD=${preload}`] : []), binary, ...args],
      {
        env,
        encoding: 'utf8',
        timeout: 900_000,
      },
    );
    if (r.error || r.status !== 0)
      throw new Error(`strace ${binary} failed: ${r.error?.message ?? r.stderr.slice(-500)} (Debian package: strace)`);
    const text = readFileSync(out, 'utf8');
    const count = (name: string): number =>
      Number(new RegExp(`^\\s*[\\d.]+\\s+[\\d.]+\\s+\\d+\\s+(\\d+)(?:\\s+\\d+)?\\s+${name}$`, 'm').exec(text)?.[1] ?? 0);
    return { mmap: count('mmap'), munmap: count('munmap') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Geometric mean over the rows both measured of hakmem's time over `peer`'s. */
function timeRatio(report: SuiteReport, peer: string): { ratio: number; rows: number } {
  const logs: number[] = [];
  for (const row of report.rows) {
    const h = row.cells.find((c) => c.allocator === 'hakmem');
    const p = row.cells.find((c) => c.allocator === peer);
    if (h && p) logs.push(Math.log(h.relTime / p.relTime));
  }
  return { ratio: Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length), rows: logs.length };
}

export async function suiteFigures(argv: readonly string[]): Promise<void> {
  const o = parse(argv);
  const nativeDir = join(repoRoot, 'native');
  const build = spawnSync('make', ['-s', '-C', nativeDir, '-j2'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('make -C native failed');
  console.log(`suite: ${o.allocators.join(', ')}; ${o.runs} interleaved runs per row${o.quick ? ', quick arguments' : ''}`);
  const report = await runWorkloadSuite({
    allocators: o.allocators,
    ...(o.rows ? { rows: o.rows } : {}),
    runs: o.runs,
    warmup: 0,
    timeoutMs: 900_000,
    quick: o.quick,
    nativeDir,
    build: false,
    signal: new AbortController().signal,
    onProgress: (message, fraction) => process.stderr.write(`[${String(Math.round(fraction * 100)).padStart(3)}%] ${message}\n`),
  });
  console.log('');
  console.log(suiteReportText(report));
  console.log("hakmem's time / peer's (geometric mean over the rows both measured; < 1: hakmem faster)");
  for (const peer of report.allocators.filter((a) => a !== 'hakmem')) {
    const r = timeRatio(report, peer);
    console.log(`  ${peer.padEnd(10)} ${r.ratio.toFixed(3)}  (${r.rows} rows)`);
  }
  console.log('\nmmap + munmap calls, one run each under strace -f -c (includes the loader mapping the program and the preloaded library)');
  const workloads = suiteWorkloads(nativeDir);
  for (const name of COUNTED_ROWS.filter((r) => !o.rows || o.rows.includes(r))) {
    const w = workloads.find((x) => x.spec.name === name)!;
    const args = o.quick ? w.spec.quickArgs : w.spec.args;
    const cells = report.allocators.map((a) => {
      const choice = resolveAllocator(a, nativeDir);
      const c = syscallCounts(w.spec.binary, args, choice.preload);
      return `${a} ${c.mmap}+${c.munmap}=${c.mmap + c.munmap}`;
    });
    console.log(`  ${name.padEnd(14)} ${cells.join('   ')}`);
  }
  console.log('\n(The figures are from whatever machine ran them; on a shared machine, other load moves them.)');
}

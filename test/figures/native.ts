// `npm run bench:native`: the standard suite (suite.ts) under the five
// allocators. With --presets: the bundled allocator against glibc, mimalloc,
// jemalloc and tcmalloc on the four bundled benchmarks (median ops/s over
// interleaved runs, peak RSS, and each allocator's ratio to ours).
//   node out/test/figures/native.js [--runs N] [--quick] [--rows a,b] [--allocators x,y]
//   node out/test/figures/native.js --presets [--runs N] [--quick] [--bench a,b] [--allocators x,y]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveAllocator, type AllocatorChoice } from '../../server/src/bench/allocators';
import { nativePresets, type BenchmarkSpec } from '../../server/src/bench/presets';
import { repoRoot } from '../util/paths';
import { suiteFigures } from './suite';

interface Options {
  runs: number;
  quick: boolean;
  benches: string[] | undefined;
  allocators: string[];
}

interface Sample {
  opsPerSec: number;
  maxRssKb: number;
}

const DEFAULT_ALLOCATORS = ['hakmem', 'system', 'mimalloc', 'jemalloc', 'tcmalloc'];
const USAGE =
  'usage: node out/test/figures/native.js [--runs N] [--quick] [--bench larson,random_mixed,...] [--allocators hakmem,system,...]';

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 5, quick: false, benches: undefined, allocators: DEFAULT_ALLOCATORS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--runs') {
      options.runs = Number(value());
      if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`--runs must be a positive integer\n${USAGE}`);
    } else if (arg === '--quick') options.quick = true;
    else if (arg === '--bench') options.benches = value().split(',');
    else if (arg === '--allocators') options.allocators = value().split(',');
    else throw new Error(`unknown argument '${arg}'\n${USAGE}`);
  }
  return options;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function runOnce(spec: BenchmarkSpec, args: readonly string[], allocator: AllocatorChoice): Sample {
  const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env };
  delete env.LD_PRELOAD;
  if (allocator.preload) env.LD_PRELOAD = allocator.preload;
  const r = spawnSync(spec.binary, [...args], { cwd: spec.cwd, env, encoding: 'utf8', timeout: 600_000 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('HAKMEM_RESULT '));
  if (r.status !== 0 || line === undefined) {
    throw new Error(`${spec.name} under ${allocator.name} failed (${r.signal ?? 'exit ' + r.status}): ${r.stderr}`);
  }
  const result = JSON.parse(line.slice('HAKMEM_RESULT '.length)) as { ops_per_sec: number; max_rss_kb: number };
  return { opsPerSec: result.ops_per_sec, maxRssKb: result.max_rss_kb };
}

const fmtRate = (v: number): string => `${(v / 1e6).toFixed(2)}M`;
const pad = (s: string, n: number): string => s.padStart(n);

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const nativeDir = join(repoRoot, 'native');
  const build = spawnSync('make', ['-s', '-C', nativeDir], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('make -C native failed');

  const presets = nativePresets(nativeDir).filter((p) => !options.benches || options.benches.includes(p.name));
  if (presets.length === 0) throw new Error(`no benchmark matches --bench ${options.benches?.join(',')}`);
  const allocators: AllocatorChoice[] = [];
  for (const name of options.allocators) {
    const choice = resolveAllocator(name, nativeDir);
    if (choice.missing)
      console.log(`skipping ${name}: ${choice.missing.library} not installed (Debian package ${choice.missing.debianPackage})`);
    else allocators.push(choice);
  }
  const samples = new Map<string, Sample[]>();
  const key = (bench: string, alloc: string): string => `${bench}\u0000${alloc}`;

  console.log(`hakmem native benchmarks: ${options.runs} interleaved run(s)${options.quick ? ', quick arguments' : ''}`);
  for (let run = 0; run < options.runs; run++) {
    for (const spec of presets) {
      const args = options.quick ? spec.quickArgs : spec.args;
      // Rotate the order each round so no allocator always runs first.
      for (let k = 0; k < allocators.length; k++) {
        const allocator = allocators[(k + run) % allocators.length]!;
        const sample = runOnce(spec, args, allocator);
        const list = samples.get(key(spec.name, allocator.name)) ?? [];
        list.push(sample);
        samples.set(key(spec.name, allocator.name), list);
      }
    }
    process.stdout.write(`  run ${run + 1}/${options.runs} done\n`);
  }

  for (const spec of presets) {
    const args = options.quick ? spec.quickArgs : spec.args;
    console.log(`\n${spec.name} ${args.join(' ')}`);
    console.log(
      `${'allocator'.padEnd(10)} ${pad('ops/s', 9)} ${pad('min', 9)} ${pad('max', 9)} ${pad('RSS KiB', 9)} ${pad('hakmem/x', 9)} ${pad('RSS/x', 7)}`,
    );
    const ours = samples.get(key(spec.name, 'hakmem'));
    const oursRate = ours ? median(ours.map((s) => s.opsPerSec)) : undefined;
    const oursRss = ours ? Math.max(...ours.map((s) => s.maxRssKb)) : undefined;
    for (const allocator of allocators) {
      const list = samples.get(key(spec.name, allocator.name))!;
      const rates = list.map((s) => s.opsPerSec);
      const rate = median(rates);
      const rss = Math.max(...list.map((s) => s.maxRssKb));
      const ratio = oursRate !== undefined ? `${(oursRate / rate).toFixed(2)}x` : '-';
      const rssRatio = oursRss !== undefined ? `${(oursRss / rss).toFixed(2)}` : '-';
      console.log(
        `${allocator.name.padEnd(10)} ${pad(fmtRate(rate), 9)} ${pad(fmtRate(Math.min(...rates)), 9)} ${pad(fmtRate(Math.max(...rates)), 9)} ${pad(String(rss), 9)} ${pad(ratio, 9)} ${pad(rssRatio, 7)}`,
      );
    }
  }
  console.log(
    "\nhakmem/x: median ops/s of hakmem divided by that allocator's (>1: hakmem faster); RSS/x: peak RSS ratio (<1: hakmem smaller).",
  );
}

const argv = process.argv.slice(2);
if (argv.includes('--presets')) {
  try {
    process.argv = [...process.argv.slice(0, 2), ...argv.filter((a) => a !== '--presets')];
    main();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
} else {
  suiteFigures(argv).catch((e: unknown) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}

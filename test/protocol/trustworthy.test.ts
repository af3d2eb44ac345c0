// Figures that measure the code just edited, truly: through the request the
// editor sends (and the CLI), a run rebuilds what it loads, a record names its
// commit and dirty tree, each allocator's peak RSS is its own (checked against
// /usr/bin/time while the server holds 300+ MB), and a default profile of
// larson has enough samples with the allocator's frames under the benchmark's worker.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { resolveAllocator } from '../../server/src/bench/allocators';
import type { RunFailure } from '../../server/src/bench/failures';
import { nativePresets } from '../../server/src/bench/presets';
import { Requests, type RunBenchmarkParams } from '../../server/src/protocol';
import { LspTestClient } from '../util/lspClient';
import { cliPath, repoRoot } from '../util/paths';

/** A copy of the bundled allocator as a git repository of its own, built once. */
function allocatorRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-fresh-'));
  const skip = [join(repoRoot, 'native', '.hakmem'), join(repoRoot, 'native', 'build')];
  cpSync(join(repoRoot, 'native'), dir, { recursive: true, filter: (src) => !skip.some((s) => src === s || src.startsWith(s + '/')) });
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'allocator');
  execFileSync('make', ['-s', '-j2'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

const API = join('src', 'hakmem_api.c');

/** A language server (trusted) on a fresh allocator copy for the enclosing suite, handed over once it is up. */
function serverOnAllocatorCopy(
  ready: (dir: string, client: LspTestClient) => void,
  options?: ConstructorParameters<typeof LspTestClient>[0],
): void {
  let dir: string | undefined;
  let client: LspTestClient | undefined;
  before(async () => {
    dir = allocatorRepo();
    client = new LspTestClient(options);
    await client.initialize(dir, {}, { trusted: true });
    ready(dir, client);
  });
  after(async () => {
    await client?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}

/** Appends a constructor to the allocator that ends the process with `status` before main. */
function exitInConstructor(dir: string, status: number): void {
  const original = readFileSync(join(repoRoot, 'native', API), 'utf8');
  writeFileSync(
    join(dir, API),
    `${original}\n#include <unistd.h>\n__attribute__((constructor)) static void edited_for_test(void) { _exit(${status}); }\n`,
  );
}

function runParams(allocators: string[]): RunBenchmarkParams {
  return { benchmark: 'fixed_size', allocators, runs: 3, warmup: 0, timeoutSeconds: 60, noiseThreshold: 1, quick: true };
}

describe('a run measures the code just edited', () => {
  let dir: string;
  let client: LspTestClient;
  serverOnAllocatorCopy((d, c) => ((dir = d), (client = c)));

  it('names the commit, clean before an edit', async () => {
    const r = await client.connection.sendRequest(Requests.runBenchmark, runParams(['hakmem']));
    assert.equal(r.results.failures.length, 0, JSON.stringify(r.results.failures));
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    assert.equal(r.results.git?.commit, head);
    assert.equal(r.results.git?.dirty, false);
  });

  it('Run from the editor rebuilds the release library after an edit', async () => {
    exitInConstructor(dir, 41);
    const r = await client.connection.sendRequest(Requests.runBenchmark, runParams(['hakmem']));
    assert.equal(r.results.failures[0]?.exitStatus, 41, `the edited library ran: ${JSON.stringify(r.results.failures)}`);
  });

  it('the CLI rebuilds the debug library it loads after an edit, and says the tree is dirty', () => {
    exitInConstructor(dir, 43);
    const run = spawnSync(
      process.execPath,
      [cliPath, 'bench', 'run', 'fixed_size', '--allocators', 'hakmem-debug', '--runs', '3', '--warmup', '0', '--quick', '--json'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    const out = JSON.parse(run.stdout) as { failures: RunFailure[] };
    assert.equal(out.failures[0]?.exitStatus, 43, run.stderr);
    // Back to the original source: the run works again and its record says dirty (the test edits left the tree modified).
    writeFileSync(join(dir, API), readFileSync(join(repoRoot, 'native', API), 'utf8') + '\n/* edited */\n');
    const ok = spawnSync(
      process.execPath,
      [cliPath, 'bench', 'run', 'fixed_size', '--allocators', 'hakmem', '--runs', '3', '--warmup', '0', '--quick'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^fixed_size .* at [0-9a-f]{10} \(dirty\)$/m);
  });

  it('Profile rebuilds the profiling library after an edit', async () => {
    exitInConstructor(dir, 44);
    await assert.rejects(
      client.connection.sendRequest(Requests.profile, { benchmark: 'fixed_size', quick: true, tool: 'perf' }),
      (e: Error) => /exit 44/.test(e.message),
    );
  });

  it("a library that cannot be rebuilt stops the run with the compiler's message, never an old build", async () => {
    const original = readFileSync(join(repoRoot, 'native', API), 'utf8');
    writeFileSync(join(dir, API), `${original}\nint this_does_not_compile( {\n`);
    const r = await client.connection.sendRequest(Requests.runBenchmark, runParams(['hakmem']));
    assert.match(r.error ?? '', /build failed/);
    assert.equal(r.results.records.length, 0);
    const problem = r.buildProblems.find((p) => p.severity === 'error');
    assert.ok(problem, JSON.stringify(r.buildProblems));
    assert.match(problem.file, /hakmem_api\.c$/);
    assert.ok(problem.line > original.split('\n').length, `error at line ${problem.line}`);
    writeFileSync(join(dir, API), original);
  });
});

/** Peak RSS of one run, in KiB, as /usr/bin/time measures it. */
function timeMaxRss(binary: string, args: readonly string[], preload: string | undefined): number {
  const env = { ...process.env };
  delete env['LD_PRELOAD'];
  if (preload) env['LD_PRELOAD'] = preload;
  const r = spawnSync('/usr/bin/time', ['-f', 'HAKMEM_TIME_RSS %M', binary, ...args], { encoding: 'utf8', env });
  const m = /HAKMEM_TIME_RSS (\d+)/.exec(r.stderr);
  assert.ok(m, `no figure from /usr/bin/time: ${r.stderr}`);
  return Number(m[1]);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

describe("peak RSS is the benchmark's own", () => {
  const BALLAST_MB = 320;
  let dir: string;
  let client: LspTestClient;
  serverOnAllocatorCopy((d, c) => ((dir = d), (client = c)), {
    nodeArgs: ['--require', join(repoRoot, 'out', 'test', 'util', 'ballast.js')],
    env: { ...process.env, HAKMEM_TEST_BALLAST_MB: String(BALLAST_MB) },
  });

  it('matches /usr/bin/time for every allocator while the server holds 300+ MB', async (t) => {
    if (!existsSync('/usr/bin/time')) return t.skip('/usr/bin/time is missing (Debian package time)');
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${client.pid}/status`, 'utf8'))![1]);
    assert.ok(rssKb > 300 * 1024, `the server holds ${rssKb} KiB`);
    const allocators = ['hakmem', 'system', 'mimalloc', 'jemalloc', 'tcmalloc'].filter((a) => !resolveAllocator(a, dir).missing);
    const r = await client.connection.sendRequest(Requests.runBenchmark, { ...runParams(allocators), benchmark: 'random_mixed', runs: 5 });
    assert.equal(r.results.failures.length, 0, JSON.stringify(r.results.failures));
    const spec = nativePresets(dir).find((p) => p.name === 'random_mixed')!;
    for (const record of r.results.records) {
      const reported = median(record.samples.map((s) => s.maxRssKb!));
      const preload = resolveAllocator(record.allocator.name, dir).preload;
      const measured = median([0, 1, 2, 3, 4].map(() => timeMaxRss(spec.binary, spec.quickArgs, preload)));
      const diff = Math.abs(reported - measured);
      t.diagnostic(`${record.allocator.name}: reported ${reported} KiB, /usr/bin/time ${measured} KiB (server ${rssKb} KiB)`);
      assert.ok(
        diff <= Math.max(0.05 * measured, 512),
        `${record.allocator.name}: reported ${reported} KiB, /usr/bin/time ${measured} KiB`,
      );
      assert.ok(reported < 100 * 1024, `${record.allocator.name}: ${reported} KiB is not the server's ${rssKb} KiB`);
    }
  });
});

/** Function names defined in the bundled allocator's sources (and the libc entry points it exports). */
function allocatorFunctions(dir: string): Set<string> {
  const names = new Set(['malloc', 'free', 'calloc', 'realloc', 'posix_memalign', 'aligned_alloc', 'memalign']);
  for (const file of readdirSync(join(dir, 'src')).filter((f) => f.endsWith('.c'))) {
    const text = readFileSync(join(dir, 'src', file), 'utf8');
    for (const m of text.matchAll(/^[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*\{/gm)) names.add(m[1]!);
  }
  return names;
}

describe('a default profile is worth reading', () => {
  let dir: string;
  let client: LspTestClient;
  serverOnAllocatorCopy((d, c) => ((dir = d), (client = c)));

  it('larson under the profiling build: 2,000+ samples, allocator frames under worker', async (t) => {
    const probe = spawnSync('perf', ['record', '-e', 'cpu-clock', '-o', join(dir, 'probe.data'), '--', 'true'], { encoding: 'utf8' });
    if (probe.status !== 0) return t.skip(`perf cannot record here (Debian package linux-perf): ${probe.stderr.trim()}`);
    const result = await client.connection.sendRequest(Requests.profile, { benchmark: 'larson', tool: 'perf' });
    assert.ok((result.samples ?? 0) >= 2000, `${result.samples} samples`);
    assert.equal(result.warning, undefined);
    const own = allocatorFunctions(dir);
    const isAllocator = (frame: string): boolean => own.has(frame.replace(/\.(cold|part\.\d+|isra\.\d+|constprop\.\d+)$/, ''));
    // Samples of larson's threads (rooted at start_thread) that hold an allocator frame.
    let withAllocator = 0;
    let underWorker = 0;
    for (const line of readFileSync(
      result.files.find((f) => f.endsWith('.folded'))!,
      'utf8',
    ).split('\n')) {
      const m = /^(.*) (\d+)$/.exec(line);
      if (!m) continue;
      const frames = m[1]!.split(';');
      const thread = frames.indexOf('start_thread');
      const first = frames.findIndex(isAllocator);
      if (thread < 0 || first < 0) continue;
      // Sampled at an entry point's first instruction, before it pushed its frame: frame-pointer
      // unwinding then cannot see the caller (worker), whatever the build. Those stacks end in the
      // entry point right under start_thread; every other stack must be whole.
      if (first === thread + 1 && first === frames.length - 1) continue;
      withAllocator += Number(m[2]);
      if (frames.slice(thread, first).includes('worker')) underWorker += Number(m[2]);
    }
    t.diagnostic(`${result.samples} samples; ${underWorker} of ${withAllocator} allocator samples of larson's threads under worker`);
    assert.ok(withAllocator > 500, `${withAllocator} thread samples in the allocator`);
    assert.ok(underWorker / withAllocator >= 0.95, `${underWorker} of ${withAllocator} allocator samples under worker`);
  });

  it('a profile with few samples says so and marks nothing hot; one with enough does', async () => {
    const uri = pathToFileURL(join(dir, API)).href;
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'c', version: 1, text: readFileSync(join(dir, API), 'utf8') },
    });
    const lensTitles = async (): Promise<string[]> => {
      const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Array<{
        command?: { title: string };
      }> | null;
      return (lenses ?? []).map((l) => l.command?.title ?? '').filter((title) => /% self/.test(title));
    };
    const before = await lensTitles();
    const few = join(dir, 'few.folded');
    writeFileSync(few, 'main;worker;hak_alloc 40\nmain;worker 60\n');
    const small = await client.connection.sendRequest(Requests.profile, { inputPath: few });
    assert.equal(small.samples, 100);
    assert.match(small.warning ?? '', /Only 100 samples .*does not mark functions hot/);
    // The lenses are still those of the earlier, trusted profile (or none): the small one changed nothing.
    assert.deepEqual(await lensTitles(), before);
    const enough = join(dir, 'enough.folded');
    writeFileSync(enough, 'main;worker;hak_alloc 800\nmain;worker 1200\n');
    const big = await client.connection.sendRequest(Requests.profile, { inputPath: enough });
    assert.equal(big.samples, 2000);
    assert.equal(big.warning, undefined);
    assert.ok(
      (await lensTitles()).some((title) => /40\.0% self/.test(title)),
      'the trusted profile marks hak_alloc',
    );
  });
});

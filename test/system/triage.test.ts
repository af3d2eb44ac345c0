// Needs gcc, make, patch, gdb and the sanitizers: crashes, aborts, hangs and
// sanitizer reports of a fixture
// allocator with planted bugs, reported down to the planted line.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { liveGroupIds } from '../../server/src/bench/process';
import { runSuite } from '../../server/src/bench/runner';
import type { CrashReport } from '../../server/src/triage/report';
import { innermostWorkspaceFrame, primaryStack } from '../../server/src/triage/report';
import { liveProcessesInGroup } from '../bench-engine/support';
import { cliPath, fixturesDir } from '../util/paths';
import { buildPlantedAllocator, type PlantedAllocator } from '../util/plantedAllocator';

let planted: PlantedAllocator;

before(() => {
  planted = buildPlantedAllocator();
});
after(() => rmSync(planted.dir, { recursive: true, force: true }));

function triage(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, 'triage', ...args], { cwd: planted.dir, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function reportOf(stdout: string): CrashReport {
  const parsed = JSON.parse(stdout) as { crash?: CrashReport };
  assert.ok(parsed.crash, `a crash report in ${stdout.slice(0, 400)}`);
  return parsed.crash;
}

describe('hakmem triage on planted allocator bugs', () => {
  it('a SEGV on a page-aligned pointer: signal, address and the planted line as the innermost workspace frame', () => {
    const r = triage(['--allocator', planted.debugLib, '--env', 'HAKMEM_PLANT=segv', '--format', 'json', '--', planted.driver, '2', '500']);
    assert.equal(r.status, 1, r.stderr);
    const crash = reportOf(r.stdout);
    assert.equal(crash.kind, 'crash');
    assert.equal(crash.signal, 'SIGSEGV');
    assert.match(crash.address ?? '', /^0x[0-9a-f]+$/);
    assert.ok(Number.parseInt(crash.address!, 16) < 4096, 'the fault is in page zero');
    const top = innermostWorkspaceFrame(primaryStack(crash, planted.dir), planted.dir);
    assert.equal(top?.file, planted.apiFile);
    assert.equal(top?.line, planted.line('segv'));
    assert.equal(top?.function, 'hak_free');
    assert.ok(crash.threads.length >= 2, 'the other threads too');
    assert.deepEqual(crash.run.command, [planted.driver, '2', '500']);
    assert.equal(crash.run.env['HAKMEM_PLANT'], 'segv');
    assert.deepEqual(
      readdirSync(planted.dir).filter((f) => /^core/.test(f)),
      [],
      'the core file is cleaned up',
    );
  });

  it('a double free stopped by the debug build: an abort whose stack holds the planted line', () => {
    const r = triage([
      '--allocator',
      planted.debugLib,
      '--env',
      'HAKMEM_PLANT=double-free',
      '--format',
      'json',
      '--',
      planted.driver,
      '1',
      '100',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const crash = reportOf(r.stdout);
    assert.equal(crash.kind, 'abort');
    assert.equal(crash.signal, 'SIGABRT');
    const frames = primaryStack(crash, planted.dir)!.frames;
    // Innermost in the workspace is the check that caught it; the planted realloc is the caller.
    assert.match(innermostWorkspaceFrame(primaryStack(crash, planted.dir), planted.dir)?.file ?? '', /hakmem_debug\.c$/);
    assert.ok(
      frames.some((f) => f.file === planted.apiFile && f.line === planted.line('double-free') && f.function === 'hak_realloc'),
      JSON.stringify(frames),
    );
  });

  it('a hang: every thread stack at the timeout, and nothing left running', () => {
    const r = triage([
      '--allocator',
      planted.debugLib,
      '--env',
      'HAKMEM_PLANT=hang',
      '--timeout',
      '2',
      '--format',
      'json',
      '--',
      planted.driver,
      '2',
      '500',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const crash = reportOf(r.stdout);
    assert.equal(crash.kind, 'hang');
    assert.equal(crash.threads.length, 3, 'main and both workers');
    const spinning = crash.threads.filter((t) => innermostWorkspaceFrame(t, planted.dir)?.line === planted.line('hang'));
    assert.equal(spinning.length, 2, 'both workers spin at the planted line');
    const pids = crash.threads.map((t) => t.lwp!);
    for (const pid of pids) assert.deepEqual(liveProcessesInGroup(pid), [], `nothing of ${pid} is left`);
  });

  it('SARIF: the crash at the planted line, the stack as related locations', () => {
    const r = triage([
      '--allocator',
      planted.debugLib,
      '--env',
      'HAKMEM_PLANT=segv',
      '--format',
      'sarif',
      '--',
      planted.driver,
      '1',
      '500',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout) as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
          relatedLocations: unknown[];
        }[];
      }[];
    };
    const [result] = log.runs[0]!.results;
    assert.equal(result?.ruleId, 'crash');
    assert.equal(result?.locations[0]?.physicalLocation.artifactLocation.uri, 'src/hakmem_api.c');
    assert.equal(result?.locations[0]?.physicalLocation.region.startLine, planted.line('segv'));
    assert.ok((result?.relatedLocations.length ?? 0) >= 3);
  });

  it('exits 0 for a clean run and 2 for a program that does not exist', () => {
    assert.equal(triage(['--allocator', planted.debugLib, '--', planted.driver, '1', '50']).status, 0);
    const missing = triage(['--', join(planted.dir, 'no-such-program')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /could not start/);
  });
});

describe('shrinking the reproduction', () => {
  it('finds a smaller run that fails the same way, and prints its command line', () => {
    const r = triage([
      '--shrink',
      '--budget',
      '90',
      '--allocator',
      planted.debugLib,
      '--env',
      'HAKMEM_PLANT=segv',
      '--format',
      'json',
      '--',
      planted.driver,
      '4',
      '2000',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as {
      shrink: { original: string[]; smallest: string[]; attempts: number; signature: string };
      crash: CrashReport;
    };
    assert.deepEqual(out.shrink.original, [planted.driver, '4', '2000']);
    const [threads, blocks] = out.shrink.smallest.slice(1).map(Number);
    assert.ok(threads! <= 4 && blocks! <= 2000 && threads! * blocks! < 4 * 2000, `smaller: ${out.shrink.smallest.join(' ')}`);
    assert.ok(out.shrink.attempts > 1);
    assert.match(out.shrink.signature, new RegExp(`^crash SIGSEGV at .*hakmem_api\\.c:${planted.line('segv')}$`));
    // The report is the smallest run's, at the same planted line.
    assert.deepEqual(out.crash.run.command, out.shrink.smallest);
    assert.equal(innermostWorkspaceFrame(primaryStack(out.crash, planted.dir), planted.dir)?.line, planted.line('segv'));
    assert.match(r.stderr, /\[100%\] smallest failing run/);
  });
});

describe('re-running under sanitizers', () => {
  interface Sanitized {
    reports: { tool: string; kind: string; stacks: { title: string }[] }[];
    problems: { file: string; line: number; message: string; related: { file: string; line: number; message: string }[] }[];
  }
  const driverSource = join(fixturesDir, 'triage', 'driver.c');

  it('TSan: the data race on the counter, at the planted line, both threads as related information', () => {
    const r = triage(['--sanitize', 'thread', '--env', 'HAKMEM_PLANT=race', '--format', 'json', '--', driverSource, '4', '20000']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Sanitized;
    assert.equal(out.reports[0]?.tool, 'thread');
    assert.equal(out.reports[0]?.kind, 'data race');
    const [problem] = out.problems;
    assert.equal(problem?.file, planted.apiFile);
    assert.equal(problem?.line, planted.line('race'));
    assert.match(problem!.message, /ThreadSanitizer: data race/);
    assert.ok(problem!.related.some((x) => /^(Read|Write) of size/.test(x.message) && x.line === planted.line('race')));
  });

  it('ASan+UBSan: the null segment read on a page-aligned pointer, at the planted line', () => {
    const r = triage(['--sanitize', 'address', '--env', 'HAKMEM_PLANT=segv', '--format', 'json', '--', driverSource, '1', '100']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Sanitized;
    const [problem] = out.problems;
    assert.equal(problem?.file, planted.apiFile);
    assert.equal(problem?.line, planted.line('segv'));
    assert.match(problem!.message, /null pointer/);
    assert.ok(
      problem!.related.some((x) => x.file.endsWith('driver.c')),
      'the caller in the program',
    );
  });

  it('a program without source is refused with what to pass instead', () => {
    const r = triage(['--sanitize', 'address', '--', planted.driver, '1', '10']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs the program's source \(pass the \.c file\)/);
  });
});

describe('bad input: one clear message, nothing else lost', () => {
  it('gdb missing from PATH: the crash is still reported, naming gdb and its package', () => {
    const r = triage(
      ['--allocator', planted.debugLib, '--env', 'HAKMEM_PLANT=segv', '--format', 'json', '--', planted.driver, '1', '500'],
      {
        ...process.env,
        PATH: '/nonexistent',
      },
    );
    assert.equal(r.status, 1, r.stderr);
    const crash = reportOf(r.stdout);
    assert.equal(crash.signal, 'SIGSEGV');
    assert.equal(crash.threads.length, 0);
    assert.equal(crash.problems.length, 1);
    assert.match(crash.problems[0]!, /gdb not found.*apt-get install gdb/);
  });

  it('ptrace not permitted (the hung program is already traced): one message saying how to allow it', () => {
    const traced = join(planted.dir, 'traced_hang');
    execFileSync('gcc', ['-O1', '-g', join(fixturesDir, 'triage', 'traced_hang.c'), '-o', traced]);
    const r = triage(['--timeout', '1', '--format', 'json', '--', traced]);
    assert.equal(r.status, 1, r.stderr);
    const crash = reportOf(r.stdout);
    assert.equal(crash.kind, 'hang');
    assert.equal(crash.problems.length, 1);
    assert.match(crash.problems[0]!, /not permitted to attach.*ptrace_scope=0.*SYS_PTRACE/);
    assert.equal(spawnSync('pgrep', ['-f', traced]).status, 1, 'the hung program is not left running');
  });

  it('a stripped program: the message names it and says to rebuild with -g', () => {
    const stripped = join(planted.dir, 'driver-stripped');
    copyFileSync(planted.driver, stripped);
    execFileSync('strip', [stripped]);
    const r = triage([
      '--allocator',
      planted.debugLib,
      '--env',
      'HAKMEM_PLANT=double-free',
      '--format',
      'json',
      '--',
      stripped,
      '1',
      '100',
    ]);
    const crash = reportOf(r.stdout);
    assert.ok(
      crash.problems.some((p) => p.includes(stripped) && /no debug information/.test(p) && /-g/.test(p)),
      JSON.stringify(crash.problems),
    );
    // The allocator's frames are still symbolized.
    assert.ok(primaryStack(crash, planted.dir)!.frames.some((f) => f.line === planted.line('double-free')));
  });
});

describe('benchmark runs carry the crash report', () => {
  it('a crashing series reports signal and stack; the other series keep their records', async () => {
    const r = await runSuite({
      benchmark: {
        name: 'fixed_size',
        binary: join(planted.dir, 'build', 'bench', 'bench_fixed_size'),
        args: ['20000', '64', '256'],
        quickArgs: ['20000', '64', '256'],
        env: { HAKMEM_PLANT: 'segv' },
        cwd: planted.dir,
        preset: 'fixed_size',
      },
      allocators: ['system', planted.releaseLib],
      runs: 2,
      warmup: 0,
      timeoutMs: 60_000,
      build: false,
      nativeDir: planted.dir,
      signal: new AbortController().signal,
    });
    assert.equal(r.records.length, 1, 'the system series is kept');
    assert.equal(r.records[0]!.allocator.name, 'system');
    assert.equal(r.failures.length, 1);
    const crash = r.failures[0]!.crash;
    assert.ok(crash, JSON.stringify(r.failures[0]));
    assert.equal(crash.signal, 'SIGSEGV');
    const top = innermostWorkspaceFrame(primaryStack(crash, planted.dir), planted.dir);
    assert.equal(top?.file, planted.apiFile);
    assert.equal(top?.line, planted.line('segv'));
    assert.deepEqual(liveGroupIds(), []);
  });
});

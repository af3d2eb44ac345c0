// Hostile input and signals, through the installed `hakmem` command and the
// language server as a user meets them: a .hakmem.json nested 100,000 levels
// deep, `preproc` run from outside the file's workspace, SIGTERM during a lint,
// benchmarks that escape with setsid(), a kill -9 of the CLI mid-run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { installHakmem, npmEnv, type InstalledHakmem } from '../util/installedCli';
import { LspTestClient } from '../util/lspClient';

const HOT_FPRINTF = '#include <stdio.h>\nvoid *malloc(unsigned long n) { fprintf(stderr, "m %lu\\n", n); return 0; }\n';
const DEEP = 100_000;

/** A source file of `functions` small functions, about 110 bytes each: seconds of parsing for a big tree. */
function bulkSource(file: number, functions: number): string {
  const parts = ['#include <stddef.h>'];
  for (let i = 0; i < functions; i++) {
    parts.push(`size_t f${file}_${i}(size_t n) { if (n > ${i}) { n = n * 3 + ${i}; } else { n ^= ${i}; } return n; }`);
  }
  return parts.join('\n') + '\n';
}

/** Pids of live processes whose command line is exactly `argv` (read from /proc). */
function processesRunning(argv: readonly string[]): number[] {
  const wanted = argv.join('\0') + '\0';
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1') !== wanted) continue;
      // A zombie has exited: it only waits for a parent that may never reap it.
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${entry}/status`, 'latin1'))) continue;
      found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Waits (polling /proc) until `check` holds, for at most `ms`; returns its last value. */
async function waitFor<T>(ms: number, read: () => T, check: (v: T) => boolean): Promise<T> {
  const end = Date.now() + ms;
  let v = read();
  while (!check(v) && Date.now() < end) {
    await delay(100);
    v = read();
  }
  return v;
}

/**
 * A workspace whose benchmark starts a process that escapes its process group with setsid() and
 * then hangs: `sleep` with arguments unique to this test, so /proc shows whether any is left.
 */
function escapingWorkspace(dir: string, tag: string): { escaped: string[]; waiting: string[] } {
  const escaped = ['sleep', `${900 + (process.pid % 97)}.${tag}1`];
  const waiting = ['sleep', `${900 + (process.pid % 97)}.${tag}2`];
  mkdirSync(dir);
  writeFileSync(
    join(dir, '.hakmem.json'),
    JSON.stringify({
      benchmarks: [{ name: 'escape', binary: '/bin/sh', args: ['-c', `setsid ${escaped.join(' ')} & exec ${waiting.join(' ')}`] }],
    }),
  );
  return { escaped, waiting };
}

describe('hostile input and signals', () => {
  let installed: InstalledHakmem;
  let work: string;

  before(() => {
    installed = installHakmem();
    work = mkdtempSync(join(tmpdir(), 'hakmem-hostile-'));
  });

  after(() => {
    installed?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('a .hakmem.json nested 100,000 levels deep', () => {
    let ws: string;
    before(() => {
      ws = join(work, 'deep');
      mkdirSync(ws);
      writeFileSync(join(ws, '.hakmem.json'), '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP));
      writeFileSync(join(ws, 'alloc.c'), HOT_FPRINTF);
    });

    it('is a config error for lint (exit 2, the file and the reason named), not a crash', () => {
      const r = installed.run(['lint', 'alloc.c'], ws);
      assert.equal(r.status, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
      assert.match(r.stderr, /\.hakmem\.json: \.hakmem\.json nests arrays or objects more than 64 levels deep/);
      assert.doesNotMatch(r.stderr, /RangeError|Maximum call stack|\n\s+at /);
    });

    it('leaves the language server up: a config diagnostic, and the defaults analyse the code', async () => {
      const client = new LspTestClient();
      try {
        await client.initialize(ws);
        const configUri = pathToFileURL(join(ws, '.hakmem.json')).href;
        const allocUri = pathToFileURL(join(ws, 'alloc.c')).href;
        const config = await client.waitForDiagnostics(configUri, (d) => d.length > 0, 60_000);
        assert.match(String(config[0]!.message), /more than 64 levels deep; using the defaults/);
        await client.waitForDiagnostics(allocUri, (d) => d.some((x) => x.code === 'hot-path-io'), 60_000);
        assert.equal(client.exited, undefined, `the server exited: ${client.stderr.join('')}`);
      } finally {
        await client.stop();
      }
    });
  });

  it("preproc takes the defines of the file's workspace, wherever it runs from", () => {
    const ws = join(work, 'defines');
    mkdirSync(ws);
    writeFileSync(join(ws, '.hakmem.json'), '{ "release": { "defines": { "MY_FLAG": "1" } } }\n');
    writeFileSync(join(ws, 'f.c'), '#if MY_FLAG\nint on;\n#else\nint off;\n#endif\n');
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, '.hakmem.json'), '{ "release": { "defines": { "MY_FLAG": "0" } } }\n');
    const r = installed.run(['preproc', join(ws, 'f.c')], elsewhere);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1: #if MY_FLAG -> taken/);
    assert.match(r.stdout, /inactive 4-4/);
  });

  it('bench list refuses a .hakmem.json with a wrong type or an unknown key (exit 2, as lint)', () => {
    const ws = join(work, 'typed');
    mkdirSync(ws);
    writeFileSync(join(ws, '.hakmem.json'), '{ "entryPoints": 7, "nonsense": true }\n');
    const r = installed.run(['bench', 'list'], ws);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /entryPoints/);
    assert.match(r.stderr, /nonsense is not a known setting/);
  });

  it('bench run refuses an allocator library path that does not exist (exit 2), measuring nothing', () => {
    const r = installed.run(['bench', 'run', 'larson', '--quick', '--no-build', '--allocators', 'system,/nonexistent/libnothing.so'], work);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /no such library: \/nonexistent\/libnothing\.so/);
    assert.doesNotMatch(r.stdout, /median/);
  });

  it('a benchmark that escapes with setsid() still ends at the timeout, and nothing of it is left', () => {
    const { escaped, waiting } = escapingWorkspace(join(work, 'escape-timeout'), '1');
    const r = installed.run(
      ['bench', 'run', 'escape', '--allocators', 'system', '--runs', '1', '--warmup', '0', '--timeout', '2', '--no-history'],
      join(work, 'escape-timeout'),
    );
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /timed out after 2\.0 s/);
    assert.deepEqual(processesRunning(escaped), [], 'the setsid() escape outlived the run');
    assert.deepEqual(processesRunning(waiting), []);
  });

  it('a kill -9 of the CLI mid-run leaves nothing of the benchmark running', async () => {
    const ws = join(work, 'escape-kill');
    const { escaped, waiting } = escapingWorkspace(ws, '2');
    const cli = spawn(
      installed.bin,
      ['bench', 'run', 'escape', '--allocators', 'system', '--runs', '1', '--warmup', '0', '--timeout', '600', '--no-history'],
      {
        cwd: ws,
        env: npmEnv,
        stdio: 'ignore',
      },
    );
    const exited = new Promise<void>((resolve) => cli.once('exit', () => resolve()));
    const started = await waitFor(
      60_000,
      () => processesRunning(escaped).length + processesRunning(waiting).length,
      (n) => n === 2,
    );
    assert.equal(started, 2, 'the benchmark did not start its two processes');
    cli.kill('SIGKILL');
    await exited;
    const left = await waitFor(
      10_000,
      () => [...processesRunning(escaped), ...processesRunning(waiting)],
      (pids) => pids.length === 0,
    );
    assert.deepEqual(left, [], 'processes of the benchmark outlived the CLI');
  });

  it('SIGTERM stops a lint in progress at once (it does not run to the end)', async () => {
    const ws = join(work, 'big');
    mkdirSync(ws);
    // 24 MB of C: seconds of work even for a much faster lint, so the signal comes while it works.
    for (let f = 0; f < 12; f++) writeFileSync(join(ws, `part${f}.c`), bulkSource(f, 20_000));
    writeFileSync(join(ws, 'alloc.c'), HOT_FPRINTF);
    const child = spawn(installed.bin, ['lint', '.'], { cwd: ws, env: npmEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    setTimeout(() => child.kill('SIGTERM'), 500);
    const { code, signal } = await ended;
    assert.ok(signal === 'SIGTERM' || code === 143, `ended with code ${code}, signal ${signal}`);
    assert.equal(stdout, '', 'a stopped lint prints no report');
  });
});

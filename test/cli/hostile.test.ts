// Hostile input and signals, through the installed `hakmem` command and the
// language server as a user meets them: a .hakmem.json nested 100,000 levels
// deep, `preproc` run from outside the file's workspace, SIGTERM during a lint.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

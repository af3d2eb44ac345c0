// Real programs preloaded with the bundled allocator must behave exactly as
// without it: python3, git, gcc, node and sort, each on a real workload,
// compared output for output.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { debugLib, describeRun, make, preloadEnv, releaseLib, run, type RunResult } from './native';

let scratch = '';

/** Runs the same command without and with the library preloaded. */
function both(lib: string, file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): [RunResult, RunResult] {
  const plain = run(file, args, { cwd: opts.cwd, env: preloadEnv(undefined, opts.env), timeoutMs: 180_000 });
  const preloaded = run(file, args, { cwd: opts.cwd, env: preloadEnv(lib, opts.env), timeoutMs: 180_000 });
  return [plain, preloaded];
}

function assertSame(plain: RunResult, preloaded: RunResult): void {
  assert.equal(plain.status, 0, `without preload: ${describeRun(plain)}`);
  assert.equal(preloaded.status, 0, `with preload: ${describeRun(preloaded)}`);
  assert.equal(preloaded.stdout, plain.stdout);
  assert.equal(preloaded.stderr, plain.stderr);
}

const pythonScript = `
import hashlib, json, random
rng = random.Random(7)
table = {}
for i in range(200000):
    key = "k%d-%s" % (i, "x" * rng.randrange(0, 200))
    table[key] = [rng.random() for _ in range(rng.randrange(0, 8))]
words = sorted(table, key=lambda k: (len(k), k))
blob = json.dumps({k: table[k] for k in words[::7]}, sort_keys=True)
trees = [list(range(n)) for n in range(2000)]
print(len(table), len(blob), sum(map(len, trees)))
print(hashlib.sha256(blob.encode()).hexdigest())
`;

const nodeScript = `
const zlib = require('node:zlib');
const crypto = require('node:crypto');
const m = new Map();
let s = 0;
for (let i = 0; i < 300000; i++) { m.set('key' + i, { i, text: 'v'.repeat(i % 97) }); }
for (const [k, v] of m) { if (v.i % 3 === 0) m.delete(k); else s += v.text.length; }
const json = JSON.stringify([...m.entries()].slice(0, 50000));
const packed = zlib.gzipSync(Buffer.from(json), { level: 6 });
const unpacked = zlib.gunzipSync(packed).toString();
console.log(m.size, s, json.length, unpacked === json);
console.log(crypto.createHash('sha256').update(unpacked).digest('hex'));
`;

const cProgram = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node { struct node *left, *right; int key; };
static struct node *insert(struct node *t, int key) {
  if (!t) { t = calloc(1, sizeof *t); t->key = key; return t; }
  if (key < t->key) t->left = insert(t->left, key); else t->right = insert(t->right, key);
  return t;
}
static long sum(const struct node *t) { return t ? t->key + sum(t->left) + sum(t->right) : 0; }
int main(void) {
  struct node *root = NULL;
  unsigned x = 12345;
  for (int i = 0; i < 100000; i++) { x = x * 1103515245u + 12345u; root = insert(root, (int)(x >> 8)); }
  printf("%ld\\n", sum(root));
  return 0;
}
`;

describe('real programs under LD_PRELOAD of the bundled allocator', () => {
  before(() => {
    make();
    scratch = mkdtempSync(join(tmpdir(), 'hakmem-preload-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('the library is really loaded into the program', () => {
    const r = run('cat', ['/proc/self/maps'], { env: preloadEnv(releaseLib) });
    assert.equal(r.status, 0, describeRun(r));
    assert.match(r.stdout, /libhakmem\.so/);
  });

  for (const [name, lib] of [
    ['release', releaseLib],
    ['debug', debugLib],
  ] as const) {
    test(`python3 allocating heavily gives the same output (${name} build)`, { timeout: 240_000 }, () => {
      const script = join(scratch, 'alloc.py');
      writeFileSync(script, pythonScript);
      const [plain, preloaded] = both(lib, 'python3', [script]);
      assertSame(plain, preloaded);
      assert.match(plain.stdout, /^200000 \d+ 1999000\n[0-9a-f]{64}\n$/);
    });
  }

  test('git on a scratch repository gives the same output', { timeout: 240_000 }, () => {
    const env: NodeJS.ProcessEnv = {
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@example.com',
      GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
      GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: scratch,
    };
    const outputs: string[] = [];
    for (const lib of [undefined, releaseLib]) {
      const repo = mkdtempSync(join(scratch, 'repo-'));
      const git = (...args: string[]): string => {
        const r = run('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: repo, env: preloadEnv(lib, env), timeoutMs: 120_000 });
        assert.equal(r.status, 0, `git ${args.join(' ')} ${lib ? 'with' : 'without'} preload: ${describeRun(r)}`);
        return r.stdout;
      };
      git('init', '-q');
      let log = '';
      for (let c = 0; c < 5; c++) {
        for (let f = 0; f < 40; f++) {
          const lines = Array.from({ length: 200 }, (_, i) => `file ${f} commit ${c} line ${(i * (f + 3) + c) % 97}`);
          writeFileSync(join(repo, `f${f}.txt`), lines.join('\n') + '\n');
        }
        git('add', '-A');
        git('commit', '-q', '-m', `commit ${c}`);
      }
      log += git('log', '--stat', '--format=%H %s');
      log += git('diff', 'HEAD~4', 'HEAD', '--numstat');
      git('gc', '-q');
      log += git('fsck', '--full');
      log += git('rev-list', '--objects', '--all');
      outputs.push(log);
    }
    assert.ok(outputs[0]!.length > 1000);
    assert.equal(outputs[1], outputs[0]);
  });

  test('gcc compiling a C file gives the same assembly and program', { timeout: 240_000 }, () => {
    const src = join(scratch, 'tree.c');
    writeFileSync(src, cProgram);
    const asm: string[] = [];
    const results: string[] = [];
    for (const [i, lib] of [undefined, releaseLib].entries()) {
      const out = join(scratch, `tree${i}`);
      const s = run('gcc', ['-O2', '-S', '-o', `${out}.s`, src], { env: preloadEnv(lib) });
      assert.equal(s.status, 0, describeRun(s));
      const b = run('gcc', ['-O2', '-o', out, src], { env: preloadEnv(lib) });
      assert.equal(b.status, 0, describeRun(b));
      asm.push(readFileSync(`${out}.s`, 'utf8'));
      const r = run(out, [], { env: preloadEnv(lib) });
      assert.equal(r.status, 0, describeRun(r));
      results.push(r.stdout);
    }
    assert.equal(asm[1], asm[0]);
    assert.equal(results[1], results[0]);
    assert.match(results[0]!, /^\d+\n$/);
  });

  test('node running a workload gives the same output', { timeout: 240_000 }, () => {
    const [plain, preloaded] = both(releaseLib, process.execPath, ['-e', nodeScript]);
    assertSame(plain, preloaded);
    assert.match(plain.stdout, /^200000 \d+ \d+ true\n[0-9a-f]{64}\n$/);
  });

  test('sort on a large file gives the same output', { timeout: 240_000 }, () => {
    const input = join(scratch, 'lines.txt');
    let x = 42n;
    const lines: string[] = [];
    for (let i = 0; i < 400_000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      lines.push(`${(x >> 20n).toString(36)} ${i % 1000} ${'z'.repeat(Number(x % 40n))}`);
    }
    writeFileSync(input, lines.join('\n') + '\n');
    const digest = (r: RunResult): string => createHash('sha256').update(r.stdout).digest('hex');
    const env = { LC_ALL: 'C' };
    const [plain, preloaded] = both(releaseLib, 'sort', ['--parallel=2', '-S', '64M', '-k2,2n', '-k1,1', input], { env });
    assert.equal(plain.status, 0, describeRun(plain));
    assert.equal(preloaded.status, 0, describeRun(preloaded));
    assert.equal(plain.stdout.split('\n').length, 400_001);
    assert.equal(digest(preloaded), digest(plain));
    assert.equal(preloaded.stderr, plain.stderr);
  });
});

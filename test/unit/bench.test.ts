// Benchmark engine pieces that need no process: config, output reading,
// compiler diagnostics, history and baselines.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv from 'ajv';
import { parseBenchmarksConfig } from '../../server/src/bench/config';
import { compareRecords, summarize } from '../../server/src/bench/compare';
import { verdictSentence } from '../../server/src/bench/verdict';
import { parseBuildDiagnostics } from '../../server/src/bench/diagnostics';
import {
  appendHistory,
  findBaseline,
  historyPath,
  parseHistory,
  pinBaseline,
  readHistory,
  readPins,
  unpinBaseline,
} from '../../server/src/bench/history';
import { OutputParseError, parseRunOutput } from '../../server/src/bench/output';
import { RECORD_VERSION, type BenchRecord, type Sample } from '../../server/src/bench/record';
import { expandMatrix } from '../../server/src/bench/runner';
import { loadBenchWorkspace } from '../../server/src/bench/workspace';
import { repoRoot } from '../util/paths';

const scratch = mkdtempSync(join(tmpdir(), 'hakmem-bench-unit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function samples(values: number[]): Sample[] {
  return values.map((v, index) => ({ index, opsPerSec: v, seconds: 1, wallSeconds: 1, maxRssKb: 1000 + index, exitStatus: 0 }));
}

let counter = 0;
function record(values: number[], over: Partial<BenchRecord> = {}): BenchRecord {
  const s = samples(values);
  return {
    version: RECORD_VERSION,
    id: `r${++counter}`,
    time: new Date(Date.UTC(2025, 0, 1, 0, counter)).toISOString(),
    benchmark: 'larson',
    binary: '/bin/larson',
    args: ['1'],
    env: {},
    knobs: {},
    allocator: { name: 'hakmem', library: '/lib/libhakmem.so' },
    metric: 'ops_per_sec',
    quick: false,
    warmup: 1,
    git: { commit: 'a'.repeat(40), dirty: false },
    machine: { hostname: 'h', os: 'Linux', kernel: '6', arch: 'x64', cpuModel: 'cpu', cpus: 2 },
    samples: s,
    summary: summarize(s),
    ...over,
  };
}

describe('benchmarks config', () => {
  it('parses a full entry with paths relative to the config folder', () => {
    const r = parseBenchmarksConfig(
      [
        {
          name: 'mine',
          build: 'make bench',
          binary: 'out/bench',
          args: ['10', 20],
          env: { MY_KNOB: 1 },
          cwd: 'sub',
          result: { regex: '(?<ops>[0-9.]+) ops/s' },
        },
      ],
      '/ws',
    );
    assert.deepEqual(r.errors, []);
    const b = r.benchmarks[0]!;
    assert.equal(b.binary, '/ws/sub/out/bench');
    assert.equal(b.cwd, '/ws/sub');
    assert.deepEqual(b.args, ['10', '20']);
    assert.deepEqual(b.quickArgs, ['10', '20']);
    assert.deepEqual(b.env, { MY_KNOB: '1' });
    assert.equal(b.result?.regex, '(?<ops>[0-9.]+) ops/s');
  });

  it('a preset without a binary uses the bundled benchmark, its arguments and quick arguments', () => {
    const r = parseBenchmarksConfig([{ name: 'l', preset: 'larson' }], '/ws', '/repo/native');
    assert.deepEqual(r.errors, []);
    const b = r.benchmarks[0]!;
    assert.equal(b.binary, '/repo/native/build/bench/bench_larson');
    assert.equal(b.build, 'make -s build/bench/bench_larson');
    assert.equal(b.cwd, '/repo/native');
    assert.equal(b.preset, 'larson');
    assert.notDeepEqual(b.quickArgs, b.args);
  });

  it('names every bad key and keeps the good entries', () => {
    const r = parseBenchmarksConfig(
      [
        { name: 'good', binary: 'b' },
        { name: 'bad name!', binary: 3, args: 'x', preset: 'nope', result: { regex: '(' }, colour: 'red' },
        { name: 'good', binary: 'c' },
        { name: 'noregexgroup', binary: 'b', result: { regex: '[0-9]+' } },
        'text',
      ],
      '/ws',
    );
    assert.deepEqual(
      r.benchmarks.map((b) => b.name),
      ['good'],
    );
    const keys = r.errors.map((e) => e.key);
    for (const k of [
      'benchmarks.1.name',
      'benchmarks.1.binary',
      'benchmarks.1.args',
      'benchmarks.1.preset',
      'benchmarks.1.result.regex',
      'benchmarks.1.colour',
      'benchmarks.2.name',
      'benchmarks.3.result.regex',
      'benchmarks.4',
    ]) {
      assert.ok(keys.includes(k), `${k} reported in ${keys.join(', ')}`);
    }
    assert.match(r.errors.find((e) => e.key === 'benchmarks.2.name')!.message, /declared twice/);
    assert.match(r.errors.find((e) => e.key === 'benchmarks.3.result.regex')!.message, /named group/);
    assert.deepEqual(parseBenchmarksConfig({}, '/ws').errors, [{ key: 'benchmarks', message: 'must be an array of benchmarks' }]);
  });

  it('the JSON schema fragment accepts what the parser accepts and rejects unknown keys', () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'server/schema/hakmem.schema.json'), 'utf8')) as {
      properties: { benchmarks: object };
    };
    const validate = new Ajv({ strict: false }).compile(schema.properties.benchmarks);
    assert.equal(
      validate([
        { name: 'l', preset: 'larson' },
        { name: 'm', binary: 'x', args: [1, '2'], result: { metric: 'ops' } },
      ]),
      true,
    );
    assert.equal(validate([{ name: 'm' }]), false, 'needs binary or preset');
    assert.equal(validate([{ name: 'm', binary: 'x', colour: 1 }]), false);
    assert.equal(validate([{ name: 'm', binary: 'x', preset: 'other' }]), false);
  });

  it('loads .hakmem.json with comments, and reports syntax errors instead of throwing', () => {
    const ws = join(scratch, 'cfg');
    rmSync(ws, { recursive: true, force: true });
    mkdirSync(ws);
    writeFileSync(join(ws, '.hakmem.json'), '{ // mine\n "benchmarks": [ { "name": "x", "binary": "bin/x" } ] }');
    const good = loadBenchWorkspace(join(ws, '.hakmem.json'), '/repo/native');
    assert.equal(good.root, ws);
    assert.equal(good.benchmarks[0]!.binary, join(ws, 'bin/x'));
    writeFileSync(join(ws, '.hakmem.json'), '{ "benchmarks": [ ');
    const bad = loadBenchWorkspace(join(ws, '.hakmem.json'), '/repo/native');
    assert.match(bad.errors[0]!.message, /not valid JSON/);
  });
});

describe('reading run output', () => {
  it('reads the last HAKMEM_RESULT line', () => {
    const r = parseRunOutput(
      'larson: 1 M ops/s\nHAKMEM_RESULT {"ops_per_sec": 1, "seconds": 9}\nHAKMEM_RESULT {"ops_per_sec": 1234.5, "seconds": 2, "max_rss_kb": 800}\n',
      undefined,
    );
    assert.equal(r.value, 1234.5);
    assert.equal(r.seconds, 2);
    assert.equal(r.maxRssKb, 800);
  });

  it('reads another metric of the json, or a regex group', () => {
    assert.equal(parseRunOutput('HAKMEM_RESULT {"ops": 7, "ops_per_sec": 1}', { metric: 'ops' }).value, 7);
    assert.equal(parseRunOutput('rate: 10 ops/s\nrate: 12.5 ops/s\n', { regex: 'rate: (?<r>[0-9.]+)' }).value, 12.5);
    assert.equal(parseRunOutput('a=1 b=2', { regex: '(?<a>\\d) b=(?<b>\\d)', metric: 'b' }).value, 2);
  });

  it('rejects garbage with a reason', () => {
    assert.throws(() => parseRunOutput('nothing here', undefined), /no HAKMEM_RESULT line/);
    assert.throws(() => parseRunOutput('HAKMEM_RESULT {"ops_per_sec": ', undefined), OutputParseError);
    assert.throws(() => parseRunOutput('HAKMEM_RESULT [1]', undefined), /JSON object/);
    assert.throws(() => parseRunOutput('HAKMEM_RESULT {"ops_per_sec": "fast"}', undefined), /no numeric 'ops_per_sec'/);
    assert.throws(() => parseRunOutput('HAKMEM_RESULT {"ops_per_sec": 0}', undefined), /must be positive/);
    assert.throws(() => parseRunOutput('rate: x', { regex: 'rate: (?<r>\\S+)' }), /not a number/);
  });
});

describe('compiler diagnostics', () => {
  it('parses gcc and clang lines, with and without a column, and resolves paths', () => {
    const out = [
      'make: Entering directory',
      "src/heap.c:12:5: error: expected ';' before '}' token",
      "/abs/x.h:3:1: warning: unused variable 'q' [-Wunused-variable]",
      'src/heap.c:12:5: note: in expansion of macro',
      'bench.c:7: error: old style',
      '\x1b[01m\x1b[Ksrc/c.c:1:2:\x1b[m\x1b[K \x1b[01;31m\x1b[Kfatal error: \x1b[m\x1b[Kfoo.h: No such file',
      "ld: undefined reference to `hak_alloc'",
    ].join('\n');
    const d = parseBuildDiagnostics(out, '/ws/native');
    assert.deepEqual(
      d.map((x) => [x.file, x.line, x.column, x.severity]),
      [
        ['/ws/native/src/heap.c', 12, 5, 'error'],
        ['/abs/x.h', 3, 1, 'warning'],
        ['/ws/native/src/heap.c', 12, 5, 'note'],
        ['/ws/native/bench.c', 7, 1, 'error'],
        ['/ws/native/src/c.c', 1, 2, 'error'],
      ],
    );
    assert.equal(d[4]!.message, 'foo.h: No such file');
  });
});

describe('history', () => {
  it('appends JSONL atomically and reads it back, skipping foreign lines', () => {
    const root = join(scratch, 'h1');
    appendHistory(root, [record([1, 2, 3])]);
    writeFileSync(historyPath(root), readFileSync(historyPath(root), 'utf8') + '{"partial": ');
    appendHistory(root, [record([4, 5, 6]), record([7, 8, 9])]);
    const h = readHistory(root);
    assert.equal(h.records.length, 3);
    assert.deepEqual(h.invalidLines, [2]);
    assert.deepEqual(readdirSync(join(root, '.hakmem')), ['history.jsonl'], 'no temporary files left');
    assert.deepEqual(parseHistory('\n\n'), { records: [], invalidLines: [] });
  });

  it('the baseline is the last run of the same series on another commit, unless one is pinned', () => {
    const root = join(scratch, 'h2');
    const old1 = record([1], { git: { commit: 'c1', dirty: false } });
    const old2 = record([2], { git: { commit: 'c2', dirty: false } });
    const otherSeries = record([3], { git: { commit: 'c2', dirty: false }, allocator: { name: 'system', library: null } });
    const sameCommit = record([4], { git: { commit: 'c3', dirty: true } });
    const noGit = record([5], { git: null });
    const history = [old1, old2, otherSeries, sameCommit, noGit];
    const current = record([6], { git: { commit: 'c3', dirty: false } });
    assert.equal(findBaseline(history, current, 'c3')?.record.id, old2.id);
    assert.equal(findBaseline(history, { ...current, knobs: { HAKMEM_X: '1' } }, 'c3'), undefined);
    appendHistory(root, history);
    pinBaseline(root, old1);
    const pinned = findBaseline(readHistory(root).records, current, 'c3', readPins(root));
    assert.equal(pinned?.record.id, old1.id);
    assert.equal(pinned?.pinned, true);
    unpinBaseline(root, old1);
    assert.deepEqual(readPins(root), {});
    assert.ok(existsSync(historyPath(root)));
  });
});

describe('comparisons and matrices', () => {
  it('compareRecords states ratio, interval and p-value, in words too', () => {
    const base = record([100, 101, 99, 100, 102, 98, 100, 101, 99, 100]);
    const fast = record(
      base.samples.map((s) => s.opsPerSec * 1.2),
      { allocator: { name: 'mimalloc', library: null } },
    );
    const c = compareRecords(base, fast);
    assert.equal(c.verdict, 'faster');
    assert.ok(c.ratio > 1.15 && c.ratio < 1.25);
    assert.ok(c.ci95[0] > 1.01 && c.ci95[0] <= c.ratio && c.ratio <= c.ci95[1]);
    assert.ok(c.pValue < 0.001);
    assert.equal(c.baseline.label, 'hakmem');
    assert.match(verdictSentence(c), /^mimalloc is 1\.20× faster than hakmem \(\+20\.0%, 95% CI \+\d+\.\d% to \+\d+\.\d%, p = /);
  });

  it('expands an environment matrix into every combination', () => {
    assert.deepEqual(expandMatrix(undefined), [{}]);
    assert.deepEqual(expandMatrix({ A: ['1', '2'], B: ['x'] }), [
      { A: '1', B: 'x' },
      { A: '2', B: 'x' },
    ]);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CallgrindParser } from '../../server/src/profile/callgrind';
import { foldedText } from '../../server/src/profile/folded';
import { hotFunctions } from '../../server/src/profile/hotspots';
import { importProfile } from '../../server/src/profile/import';
import { forEachLine, forEachLineChunk } from '../../server/src/profile/lines';
import { FrameKind, functionName, type ProfileModel } from '../../server/src/profile/model';
import { PerfScriptParser } from '../../server/src/profile/perfScript';
import { serialiseModel } from '../../server/src/profile/serialise';
import { ProfileFormatError } from '../../server/src/profile/sniff';
import { findOnPath } from '../../server/src/profile/tools';
import { fixturesDir } from '../util/paths';
import { buildWorkload } from '../util/workload';

const dir = join(fixturesDir, 'profile');
const tmp = mkdtempSync(join(tmpdir(), 'hakmem-profile-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function funcByName(model: ProfileModel, name: string): number {
  for (let f = 0; f < model.funcName.length; f++) if (functionName(model, f) === name) return f;
  return -1;
}

/** Folded lines as a map, for order-independent comparison. */
function foldedMap(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n').filter(Boolean)) {
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), (m.get(line.slice(0, i)) ?? 0) + Number(line.slice(i + 1)));
  }
  return m;
}

describe('perf script importer', () => {
  it('counts every sample of a real capture and keeps the call structure', async () => {
    const text = readFileSync(join(dir, 'workload.perf-script'), 'utf8');
    const samples = text.split('\n').filter((l) => /cpu-clock:\s*$/.test(l)).length;
    const model = await importProfile(join(dir, 'workload.perf-script'), { locateSources: false });
    assert.equal(model.nodeTotal[0], samples);
    const hot = hotFunctions(model);
    const inner = hot.find((h) => h.name === 'spin_inner');
    assert.ok(inner, 'spin_inner is in the profile');
    assert.equal(hot[0]!.name, 'spin_inner', 'the busy loop is the hottest function');
    // Every stack through spin_inner comes from main (frame pointers are on; perf's unwinder
    // may skip the immediate caller of a leaf, so spin_outer is not required).
    const folded = foldedMap(foldedText(model));
    const innerStacks = [...folded.keys()].filter((s) => s.endsWith(';spin_inner'));
    assert.ok(innerStacks.length > 0);
    for (const stack of innerStacks) assert.match(stack, /(^|;)main;(spin_outer;)?spin_inner$/);
    const kernel = [...Array(model.funcName.length).keys()].filter((f) => model.funcKind[f] === FrameKind.kernel);
    assert.ok(kernel.length > 0, 'page faults put kernel frames in the profile');
  });

  it('gives the same model whatever the chunk boundaries', async () => {
    const parse = async (chunkSize: number): Promise<string> => {
      const p = new PerfScriptParser();
      await forEachLine(join(dir, 'workload.perf-script'), (l) => p.line(l), { chunkSize });
      return foldedText(p.finish().model);
    };
    assert.deepEqual(foldedMap(await parse(61)), foldedMap(await parse(1 << 20)));
  });

  it('folds runs of frames perf could not name into one', () => {
    const p = new PerfScriptParser();
    const sample = [
      'larson 100 [001] 1.000: 1001001 cpu-clock:',
      '\t    55d0a1 hak_alloc+0x10 (/x/libhakmem.so)',
      '\t    7f0001 [unknown] ([unknown])',
      '\t    7f0002 [unknown] ([unknown])',
      '\t    7f0003 [unknown] ([unknown])',
      '\t    55d0b2 worker+0x20 (/x/bench)',
      '\t    7f0004 [unknown] ([unknown])',
      '',
    ];
    for (const l of sample) p.line(l);
    const folded = foldedText(p.finish().model).trim();
    assert.equal(folded, '[unknown];worker;[unknown];hak_alloc 1');
  });

  it('reads C++, Rust, unknown, inlined, kernel and hostile frames', async () => {
    const model = await importProfile(join(dir, 'edge-cases.perf-script'), { locateSources: false });
    assert.equal(model.nodeTotal[0], 3);
    const names = new Set([...Array(model.funcName.length).keys()].map((f) => functionName(model, f)));
    for (const expected of [
      'std::vector<int, std::allocator<int> >::push_back(int const&)',
      '(anonymous namespace)::Pool::operator()(unsigned long) const',
      '<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop',
      'hak_inline_helper',
      '[libfoo.so.1]',
      '[unknown]',
      'clear_page_erms',
      '<img src=x onerror=alert(1)>',
      'main',
    ]) {
      assert.ok(names.has(expected), `frame ${expected}`);
    }
    assert.equal(model.funcKind[funcByName(model, 'hak_inline_helper')], FrameKind.inlined);
    assert.equal(model.funcKind[funcByName(model, 'clear_page_erms')], FrameKind.kernel);
    assert.equal(model.funcKind[funcByName(model, '[libfoo.so.1]')], FrameKind.unknown);
    const push = funcByName(model, 'std::vector<int, std::allocator<int> >::push_back(int const&)');
    assert.equal(model.strings[model.funcFile[push]!], 'vector.h');
    assert.equal(model.funcLine[push], 1280);
    const folded = foldedMap(foldedText(model));
    assert.equal(folded.get('main;<img src=x onerror=alert(1)>;asm_exc_page_fault_[k];clear_page_erms_[k]'), 1);
    assert.equal(folded.get('main'), 1);
  });

  it('finds where functions start with addr2line when the binary is present', async (t) => {
    if (!findOnPath('gcc') || !findOnPath('addr2line')) return t.skip('needs gcc and addr2line (Debian packages gcc, binutils)');
    // Rewrite the committed capture to point at a binary built here from the same source.
    const binary = join(tmp, 'workload');
    buildWorkload(binary);
    const nm = execFileSync('nm', [binary], { encoding: 'utf8' });
    const address = /^([0-9a-f]+) T spin_outer$/m.exec(nm)![1]!;
    const script = `workload 1 [000] 1.000000: 1001001 cpu-clock: \n\t ${(parseInt(address, 16) + 4).toString(16)} spin_outer+0x4 (${binary})\n\n`;
    writeFileSync(join(tmp, 'one.perf-script'), script);
    const model = await importProfile(join(tmp, 'one.perf-script'));
    const f = funcByName(model, 'spin_outer');
    assert.match(model.strings[model.funcFile[f]!]!, /workload\.c$/);
    const source = readFileSync(join(dir, 'workload.c'), 'utf8').split('\n');
    const line = model.funcLine[f]!;
    assert.ok(line > 0 && /spin_outer|\{/.test(source[line - 1]! + source[line - 2]!), `line ${line} is at the definition`);
  });
});

describe('perf script folded from bytes', () => {
  /** The model and code addresses as one comparable value. */
  const everything = (r: ReturnType<PerfScriptParser['finish']>): string =>
    JSON.stringify({ model: serialiseModel(r.model, 'x'), addresses: [...r.addresses], samples: r.samples });

  it('gives what the line-by-line parse gives, on real captures and edge cases, whatever the chunk size', async () => {
    // Kernel frames, [unknown] runs, inlined frames, srclines, CRLF, a comment before the samples, no final newline.
    const crafted = [
      '# captured on a test machine',
      'bench 11/12 [000] 1.000001: 1 cpu-clock: ',
      '\tffffffff8100 clear_page_erms+0x7 ([kernel.kallsyms])',
      '\t    0 [unknown] ([unknown])',
      '\t    0 [unknown] ([unknown])',
      '\t    4011a0 hak_alloc+0x10 (/opt/bench)\r',
      '  hak.c:12',
      '\t    4011b0 hak_alloc+0x20 (/opt/bench)',
      '\t    4011c0 inner_step (/opt/bench) (inlined)',
      '\t    4011d0 std::vector<int, std::allocator<int> >::push_back(int const&)+0x5 (/opt/bench)',
      '',
      'bench 11/12 [000] 1.000002: 1 cpu-clock: ',
      '\t    4011a4 hak_alloc+0x14 (/opt/bench)',
      '\t    7f00 __libc_start_call_main+0x7a (/usr/lib/libc.so.6)',
      '',
      'bench 11/12 [000] 1.000003: 1 cpu-clock: ',
      '\t    4011a8 hak_alloc+0x18 (/opt/bench)',
    ].join('\n');
    writeFileSync(join(tmp, 'crafted.perf-script'), crafted);
    for (const file of [join(dir, 'workload.perf-script'), join(dir, 'edge-cases.perf-script'), join(tmp, 'crafted.perf-script')]) {
      const byLine = new PerfScriptParser();
      await forEachLine(file, (l) => byLine.line(l));
      const expected = everything(byLine.finish());
      for (const chunkSize of [7, 64, 4096]) {
        const byBytes = new PerfScriptParser();
        await forEachLineChunk(file, (bytes, end) => byBytes.chunk(bytes, 0, end), { chunkSize });
        assert.equal(everything(byBytes.finish()), expected, `${file} in ${chunkSize}-byte chunks`);
      }
    }
  });
});

describe('callgrind importer', () => {
  it('keeps the total of a real capture and places functions in their source', async () => {
    const text = readFileSync(join(dir, 'workload.callgrind.out'), 'utf8');
    const summary = Number(/^summary: (\d+)/m.exec(text)![1]);
    const model = await importProfile(join(dir, 'workload.callgrind.out'));
    assert.equal(model.unit, 'Ir');
    assert.ok(Math.abs(model.nodeTotal[0]! - summary) / summary < 0.001, `${model.nodeTotal[0]} vs summary ${summary}`);
    const inner = funcByName(model, 'spin_inner');
    assert.match(model.strings[model.funcFile[inner]!]!, /workload\.c$/);
    const source = readFileSync(join(dir, 'workload.c'), 'utf8').split('\n');
    assert.match(source[model.funcLine[inner]! - 1]!, /spin_inner|sink/);
    const hot = hotFunctions(model);
    assert.equal(hot[0]!.name, 'spin_inner');
    assert.ok(hot.find((h) => h.name === 'main')!.totalPct > 90);
  });

  it('decodes name and subposition compression, calls= lines, ob/cob and inclusive call costs', async () => {
    const model = await importProfile(join(dir, 'tiny.callgrind.out'));
    assert.equal(model.nodeTotal[0], 1000);
    const folded = foldedMap(foldedText(model));
    assert.deepEqual(
      folded,
      new Map([
        ['(below main)', 10],
        ['(below main);main', 190],
        ['(below main);main;helper', 300],
        ['(below main);main;helper;leaf', 300],
        ['(below main);main;recurse', 150],
        ['(below main);main;recurse;(below main)', 50],
      ]),
    );
    const main = funcByName(model, 'main');
    assert.equal(model.strings[model.funcFile[main]!], '/src/tiny.c');
    assert.equal(model.funcLine[main], 20, 'calls=1 +19 is relative to the last position (1)');
    const helper = funcByName(model, 'helper');
    assert.equal(model.strings[model.funcFile[helper]!], '/src/util.h');
    assert.equal(model.funcLine[helper], 5);
    assert.equal(model.funcLine[funcByName(model, 'recurse')], 64, 'hex positions');
    assert.equal(model.strings[model.funcModule[funcByName(model, '(below main)')]!], '/opt/tiny');
  });

  it('rejects text without callgrind content', () => {
    assert.throws(() => new CallgrindParser().finish(), /not a callgrind profile/);
  });
});

describe('folded importer and format recognition', () => {
  it('round-trips folded stacks, including kernel annotations and hostile names', async () => {
    const text = readFileSync(join(dir, 'edge.folded'), 'utf8');
    const model = await importProfile(join(dir, 'edge.folded'));
    assert.deepEqual(foldedMap(foldedText(model)), foldedMap(text));
    assert.equal(model.funcKind[funcByName(model, 'clear_page_erms')], FrameKind.kernel);
  });

  it('reports unknown, empty, missing and malformed files as format errors', async () => {
    const junk = join(tmp, 'junk.txt');
    writeFileSync(junk, 'hello world\nthis is not a profile\n');
    await assert.rejects(importProfile(junk), (e: Error) => e instanceof ProfileFormatError && /unknown profile format/.test(e.message));
    const empty = join(tmp, 'empty.txt');
    writeFileSync(empty, '');
    await assert.rejects(importProfile(empty), ProfileFormatError);
    await assert.rejects(
      importProfile(join(tmp, 'missing.txt')),
      (e: Error) => e instanceof ProfileFormatError && /ENOENT/.test(e.message),
    );
    await assert.rejects(importProfile(tmp), ProfileFormatError);
    const badFolded = join(tmp, 'bad.folded');
    writeFileSync(badFolded, 'a;b 1\na;b 2\n'.repeat(12) + 'a;b x\n');
    await assert.rejects(importProfile(badFolded, { format: 'folded' }), /line 25/);
  });
});

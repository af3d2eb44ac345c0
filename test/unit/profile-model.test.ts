import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flamePageHtml } from '../../server/src/pages/flamePage';
import { jsonForScript } from '../../server/src/pages/shell';
import { diffProfiles } from '../../server/src/profile/diff';
import { foldedText } from '../../server/src/profile/folded';
import { FoldedParser } from '../../server/src/profile/foldedParser';
import { forEachFrame, functionWeights, hotFunctions } from '../../server/src/profile/hotspots';
import { forEachLineOfText } from '../../server/src/profile/lines';
import { CallTreeBuilder, childLists, functionName, withCallTree, type ProfileModel } from '../../server/src/profile/model';
import { deserialiseModel, serialiseModel } from '../../server/src/profile/serialise';
import { sniffFormat } from '../../server/src/profile/sniff';
import { importSpeedscope, speedscopeJson } from '../../server/src/profile/speedscope';
import { isFlamePageToHost } from '../../server/src/protocol/flamePage';

function folded(text: string): ProfileModel {
  const p = new FoldedParser();
  forEachLineOfText(text, (l) => p.line(l));
  return p.finish();
}

const sorted = (text: string): string[] => text.split('\n').filter(Boolean).sort();

describe('profile model', () => {
  const sample = 'main;a;b 5\nmain;a 2\nmain;c;a;b 3\nmain;rec;rec;rec 4\nmain;héllo→wörld 1\n';

  it('counts recursion once in totals and sums self over every frame', () => {
    const model = folded(sample);
    const hot = new Map(hotFunctions(model).map((h) => [h.name, h]));
    assert.equal(hot.get('rec')!.totalPct, (100 * 4) / 15);
    assert.equal(hot.get('a')!.selfPct, (100 * 2) / 15);
    assert.equal(hot.get('a')!.totalPct, (100 * 10) / 15);
    assert.equal(hot.get('b')!.selfPct, (100 * 8) / 15);
    assert.equal(hotFunctions(model)[0]!.name, 'b');
    assert.ok(hot.has('héllo→wörld'), 'UTF-8 names survive the latin1 fast path');
    const { total } = functionWeights(model);
    assert.equal(
      total.reduce((a, b) => Math.max(a, b), 0),
      15,
    );
  });

  it('serialises to plain arrays and back without loss, and rejects malformed data', () => {
    const model = folded(sample);
    const wire = JSON.parse(JSON.stringify(serialiseModel(model, 't')));
    const back = deserialiseModel(wire);
    assert.deepEqual(sorted(foldedText(back)), sorted(foldedText(model)));
    assert.deepEqual(Array.from(back.nodeTotal), Array.from(model.nodeTotal));
    assert.throws(
      () => deserialiseModel({ ...wire, parent: [-1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, wire.parent.length) }),
      /malformed/,
    );
    assert.throws(() => deserialiseModel({ version: 2 }), /not a serialised profile/);
  });

  it('exports speedscope JSON that reads back to the same stacks', () => {
    const model = folded(sample);
    const json = speedscopeJson(model, 'x');
    assert.equal(sniffFormat(Buffer.from(json)), 'speedscope');
    assert.deepEqual(sorted(foldedText(importSpeedscope(json))), sorted(foldedText(model)));
  });

  it('diffs two profiles normalised to the same total', () => {
    const before = folded('main;a 10\nmain;b 10\nmain;gone 20\n');
    const after = folded('main;a 30\nmain;b 10\n');
    const diff = diffProfiles(before, after);
    const find = (name: string): number => {
      for (let n = 1; n < diff.nodeParent.length; n++) if (diff.strings[diff.funcName[diff.nodeFunc[n]!]!] === name) return n;
      return -1;
    };
    // before is scaled by 40/40: same totals, so a grew by 20 and gone shrank by 20.
    assert.equal(diff.baselineTotal![0], diff.nodeTotal[0]);
    assert.equal(diff.nodeSelf[find('a')]! - diff.baselineSelf![find('a')]!, 20);
    assert.equal(diff.nodeSelf[find('gone')]! - diff.baselineSelf![find('gone')]!, -20);
    assert.equal(diff.nodeSelf[find('b')]! - diff.baselineSelf![find('b')]!, 0);
    const scaled = diffProfiles(folded('main;a 1\nmain;b 1\n'), after);
    assert.equal(scaled.baselineSelf![find('a')], 20, 'a 50% share of 40 samples');
  });

  it('visits every frame once, marking only the outermost frame of a function on its stack', () => {
    const model = folded(sample);
    const outer: string[] = [];
    let frames = 0;
    forEachFrame(model, childLists(model), (node, func, outermost) => {
      frames++;
      if (functionName(model, func) === 'rec' && outermost) outer.push(String(node));
    });
    assert.equal(frames, model.nodeParent.length - 1);
    assert.equal(outer.length, 1, 'main;rec;rec;rec has one outermost rec');
  });

  it('builds derived call trees over the same function table', () => {
    const model = folded(sample);
    const b = new CallTreeBuilder();
    const rec = model.funcName.findIndex((_, f) => functionName(model, f) === 'rec');
    b.addStack([rec, rec], 2, 3);
    const derived = withCallTree(model, b.finish());
    assert.equal(derived.strings, model.strings);
    assert.deepEqual(Array.from(derived.nodeTotal), [3, 3, 3]);
    assert.equal(functionName(derived, derived.nodeFunc[2]!), 'rec');
    assert.equal(derived.baselineSelf, undefined);
  });

  it('rejects serialised functions whose names are not in the string table', () => {
    const wire = JSON.parse(JSON.stringify(serialiseModel(folded(sample)))) as { funcs: number[]; strings: string[] };
    wire.funcs[0] = wire.strings.length;
    assert.throws(() => deserialiseModel(wire), /function 0 is malformed/);
    assert.throws(() => deserialiseModel({ ...wire, parent: [], func: [], self: [] }), /array lengths disagree/);
  });

  it('recognises formats from content', () => {
    assert.equal(sniffFormat(Buffer.from('PERFILE2\0\0\0')), 'perf-data');
    assert.equal(sniffFormat(Buffer.from('# callgrind format\nversion: 1\n')), 'callgrind');
    assert.equal(sniffFormat(Buffer.from('a;b 1\nc 2\n')), 'folded');
    assert.equal(sniffFormat(Buffer.from('x 1 [000] 1.000: 1 cpu-clock: \n\t 1 f+0x1 (/x)\n')), 'perf-script');
    assert.equal(sniffFormat(Buffer.from('{"a":1}')), undefined);
    assert.equal(sniffFormat(Buffer.from('hello world\n')), undefined);
  });
});

describe('flamegraph page builder', () => {
  it('sets a nonce-only script policy and escapes what it embeds', () => {
    const html = flamePageHtml({
      nonce: 'abc123',
      cspSource: 'https://webview.example',
      script: { uri: 'https://webview.example/flame.js?a="b"' },
      initialData: serialiseModel(folded('main;</script><script>alert(1)</script> 1\n'), '<b>title</b>'),
    });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.match(csp, /img-src https:\/\/webview\.example data:/);
    assert.equal((html.match(/<script /g) ?? []).length, 2, 'the data block and the bundle');
    assert.ok(!html.includes('</script><script>alert'), 'embedded names cannot close the data block');
    assert.ok(!html.includes('<b>title') && html.includes('&#60;b&#62;title'));
    assert.ok(html.includes('flame.js?a=&#34;b&#34;'));
    assert.equal(jsonForScript('</script>'), '"\\u003c/script\\u003e"');
  });

  it('checks messages from the page', () => {
    assert.ok(isFlamePageToHost({ type: 'ready' }));
    assert.ok(isFlamePageToHost({ type: 'openFunction', name: 'hak_alloc', file: 'a.c', line: 3 }));
    assert.ok(!isFlamePageToHost({ type: 'openFunction', name: 'x', line: -1 }));
    assert.ok(!isFlamePageToHost({ type: 'export', format: 'pdf', fileName: 'x', content: '' }));
    assert.ok(!isFlamePageToHost('ready'));
  });
});

// The webview pages are untrusted input to the extension host: what they post is
// checked against the protocol, and anything else is dropped with a log line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptPageMessage } from '../../server/src/protocol/checks';
import { isFlamePageToHost, isFlameViewState } from '../../server/src/protocol/flamePage';
import { isResultsPageToHost } from '../../server/src/protocol/resultsPage';

const HOSTILE = '<img src=x onerror=alert(1)>';
const notObjects = [undefined, null, 'ready', 42, true, ['ready'], () => 'ready'];

describe('results page messages', () => {
  it('lets the messages the page sends through', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'cancel' },
      { type: 'rerun', benchmark: 'larson' },
      { type: 'rerun', benchmark: HOSTILE, allocators: ['hakmem-debug', '/opt/lib/libother.so'] },
      { type: 'openSource', benchmark: 'larson' },
    ]) {
      assert.ok(isResultsPageToHost(m), JSON.stringify(m));
    }
  });

  it('rejects malformed and unknown messages', () => {
    for (const m of [
      ...notObjects,
      {},
      { type: 'results' },
      { type: 'runShell', command: 'rm -rf ~' },
      { type: 'rerun' },
      { type: 'rerun', benchmark: 7 },
      { type: 'rerun', benchmark: 'larson', allocators: 'hakmem' },
      { type: 'rerun', benchmark: 'larson', allocators: ['hakmem', 1] },
      { type: 'openSource' },
      { type: 'openSource', benchmark: { toString: 'larson' } },
      { type: ['ready'] },
    ]) {
      assert.equal(isResultsPageToHost(m), false, String(JSON.stringify(m)));
    }
  });
});

describe('flamegraph page messages', () => {
  const state = {
    view: 'sandwich',
    search: 'needle_',
    zoomPath: ['main', HOSTILE],
    sandwichFunction: 'hak_alloc',
    tableSort: { column: 'self', descending: true },
  };

  it('lets the messages the page sends through', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'openFunction', name: HOSTILE },
      { type: 'openFunction', name: 'hak_alloc', file: '/src/hakmem_api.c', line: 12 },
      { type: 'export', format: 'folded', fileName: 'larson.folded.txt', content: 'main;a 1\n' },
      { type: 'export', format: 'speedscope', fileName: 'larson.speedscope.json', content: '{}' },
      { type: 'state', state },
      { type: 'state', state: { view: 'flame', search: '', zoomPath: [] } },
    ]) {
      assert.ok(isFlamePageToHost(m), JSON.stringify(m));
    }
  });

  it('rejects malformed and unknown messages', () => {
    for (const m of [
      ...notObjects,
      { type: 'profile', model: {} },
      { type: 'openFunction' },
      { type: 'openFunction', name: 'x', line: 0 },
      { type: 'openFunction', name: 'x', line: 1.5 },
      { type: 'openFunction', name: 'x', file: 3 },
      { type: 'export', format: 'pdf', fileName: 'x', content: '' },
      { type: 'export', format: 'folded', fileName: '../../.bashrc', content: 'echo pwned' },
      { type: 'export', format: 'folded', fileName: '', content: '' },
      { type: 'export', format: 'folded', fileName: 'x.txt' },
      { type: 'state' },
      { type: 'state', state: 'flame' },
      { type: 'state', state: { ...state, view: 'graph' } },
      { type: 'state', state: { ...state, zoomPath: 'main' } },
      { type: 'state', state: { ...state, search: null } },
      { type: 'state', state: { ...state, tableSort: { column: 'self', descending: 'yes' } } },
    ]) {
      assert.equal(isFlamePageToHost(m), false, String(JSON.stringify(m)));
    }
  });

  it('checks a saved view state the same way', () => {
    assert.ok(isFlameViewState(state));
    assert.equal(isFlameViewState({ view: 'flame' }), false);
    assert.equal(isFlameViewState({ ...state, sandwichFunction: 1 }), false);
  });
});

describe('accepting a page message', () => {
  it('passes a valid message on and logs nothing', () => {
    const warnings: string[] = [];
    const m = acceptPageMessage('results', { type: 'openSource', benchmark: 'larson' }, isResultsPageToHost, (w) => warnings.push(w));
    assert.deepEqual(m, { type: 'openSource', benchmark: 'larson' });
    assert.deepEqual(warnings, []);
  });

  it('drops a hostile message and says so in the log, briefly', () => {
    const warnings: string[] = [];
    const hostile = { type: 'export', format: 'folded', fileName: '/etc/passwd', content: 'x'.repeat(100_000) };
    assert.equal(
      acceptPageMessage('flamegraph', hostile, isFlamePageToHost, (w) => warnings.push(w)),
      undefined,
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^ignored a message from the flamegraph page that its protocol does not allow: \{"type":"export"/);
    assert.ok(warnings[0]!.length < 400, `the log line is ${warnings[0]!.length} characters`);
  });

  it('logs what cannot be shown as JSON without throwing', () => {
    const warnings: string[] = [];
    const cyclic: Record<string, unknown> = { type: 'rerun' };
    cyclic['self'] = cyclic;
    assert.equal(
      acceptPageMessage('results', cyclic, isResultsPageToHost, (w) => warnings.push(w)),
      undefined,
    );
    assert.equal(
      acceptPageMessage('results', undefined, isResultsPageToHost, (w) => warnings.push(w)),
      undefined,
    );
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /: undefined$/);
  });
});

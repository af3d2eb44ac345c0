import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lintPaths } from '../../server/src/analysis/lint';
import { guardFor, parseGuard } from '../../server/src/config/config';
import { loadConfigText } from '../../server/src/config/load';
import { wrapInGuardEdits, wrapTitle } from '../../server/src/lsp/codeActions';
import { fixturesDir } from '../util/paths';

const lintDir = join(fixturesDir, 'lint');

describe('release guards', () => {
  it('reads a preprocessor line, a bare #if expression or a C if on a config value', () => {
    assert.deepEqual(parseGuard('#ifndef NDEBUG'), { text: '#ifndef NDEBUG', kind: 'preprocessor' });
    assert.deepEqual(parseGuard('# if MI_DEBUG > 1'), { text: '#if MI_DEBUG > 1', kind: 'preprocessor' });
    assert.deepEqual(parseGuard('MI_STAT > 1'), { text: '#if MI_STAT > 1', kind: 'preprocessor' });
    assert.deepEqual(parseGuard('if (config_debug)'), { text: 'if (config_debug)', kind: 'if' });
  });

  it('defaults to #if !<guardMacro>, and a guard object applies per rule code', () => {
    const byMacro = loadConfigText('/w', '{ "guardMacro": "MY_RELEASE" }');
    assert.deepEqual(byMacro.problems, []);
    assert.equal(guardFor(byMacro.config, 'hot-path-io').text, '#if !MY_RELEASE');
    const perRule = loadConfigText('/w', '{ "guard": { "default": "if (config_debug)", "hot-path-counter": "#if MI_STAT > 1" } }');
    assert.deepEqual(perRule.problems, []);
    assert.equal(guardFor(perRule.config, 'hot-path-io').text, 'if (config_debug)');
    assert.equal(guardFor(perRule.config, 'hot-path-counter').text, '#if MI_STAT > 1');
  });

  it('rejects a guard keyed by an unknown rule, naming the key', () => {
    const r = loadConfigText('/w', '{ "guard": { "hot-path-printf": "#if DEBUG" } }');
    assert.ok(
      r.problems.some((p) => p.key.startsWith('guard')),
      JSON.stringify(r.problems),
    );
    assert.equal(guardFor(r.config, 'hot-path-io').text, '#if !HAKMEM_BUILD_RELEASE');
  });

  it('a configured guard the release build makes true is a problem on its key, and the default is used', () => {
    const text = '{\n  "guard": { "default": "#ifdef NDEBUG", "hot-path-counter": "#if MI_STAT > 1" }\n}\n';
    const r = loadConfigText('/w', text);
    assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
    assert.equal(r.problems[0]!.key, 'guard.default');
    assert.match(r.problems[0]!.message, /`#ifdef NDEBUG` is true in the release build/);
    assert.equal(text.slice(r.problems[0]!.offset, r.problems[0]!.offset + r.problems[0]!.length), '"default": "#ifdef NDEBUG"');
    assert.equal(guardFor(r.config, 'hot-path-io').text, '#if !HAKMEM_BUILD_RELEASE');
    assert.equal(guardFor(r.config, 'hot-path-counter').text, '#if MI_STAT > 1');
    assert.deepEqual(loadConfigText('/w', '{ "guard": "#ifndef NDEBUG" }').problems, []);
    assert.equal(loadConfigText('/w', '{ "guard": "#if 1" }').problems[0]?.key, 'guard');
  });

  it('messages name the guardMacro of the project, never the default one', async () => {
    const result = await lintPaths([join(lintDir, 'config-entry')], { cwd: lintDir, build: 'release' });
    const io = result.findings.find((f) => f.code === 'hot-path-io');
    assert.ok(io);
    assert.match(io.message, /guard it with #if !MY_RELEASE or move it to a cold path/);
    assert.doesNotMatch(io.message, /HAKMEM_BUILD_RELEASE/);
  });

  it('counters name the stats guard of a per-rule configuration', async () => {
    const result = await lintPaths([join(lintDir, 'debug-guards')], { cwd: lintDir, build: 'release' });
    assert.match(
      result.findings.find((f) => f.code === 'hot-path-counter')!.message,
      /keep it out of release builds with #if MI_STAT > 1$/,
    );
    assert.match(result.findings.find((f) => f.code === 'hot-path-io')!.message, /guard it with #if MI_DEBUG > 1 or/);
  });

  it('the debug build of a static-const config value compiles its branch in', async () => {
    const result = await lintPaths([join(lintDir, 'config-guard')], { cwd: lintDir, build: 'debug' });
    assert.ok(
      result.findings.some((f) => f.code === 'hot-path-io' && f.message.startsWith('fprintf') && f.span.line === 11),
      'if (config_debug) is live when JEMALLOC_DEBUG is defined',
    );
  });
});

describe('the wrap quick fix', () => {
  const text = 'void f(void) {\n  if (x) {\n    fprintf(stderr, "a");\n  }\n}\n';

  it('wraps lines in #if … #endif for a preprocessor guard', () => {
    const guard = parseGuard('#if MI_DEBUG > 1');
    assert.equal(wrapTitle(guard), 'Wrap in #if MI_DEBUG > 1 … #endif');
    const edits = wrapInGuardEdits(text, 2, 2, guard);
    assert.deepEqual(
      edits.map((e) => [e.range.start.line, e.newText]),
      [
        [2, '#if MI_DEBUG > 1\n'],
        [3, '#endif\n'],
      ],
    );
  });

  it('wraps lines in an indented C if for a config-value guard', () => {
    const guard = parseGuard('if (config_debug)');
    assert.equal(wrapTitle(guard), 'Wrap in if (config_debug) { … }');
    const [edit] = wrapInGuardEdits(text, 1, 3, guard);
    assert.deepEqual(edit!.range, { start: { line: 1, character: 0 }, end: { line: 3, character: 3 } });
    assert.equal(edit!.newText, '  if (config_debug) {\n    if (x) {\n      fprintf(stderr, "a");\n    }\n  }');
  });

  it('keeps CRLF line ends', () => {
    const [edit] = wrapInGuardEdits(text.replace(/\n/g, '\r\n'), 2, 2, parseGuard('if (config_stats)'));
    assert.deepEqual(edit!.range.end, { line: 2, character: '    fprintf(stderr, "a");'.length });
    assert.equal(edit!.newText, '    if (config_stats) {\r\n      fprintf(stderr, "a");\r\n    }');
  });
});

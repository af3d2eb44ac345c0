import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDefines, evaluatePreprocessor, MacroTable, scanDirectives } from '../../server/src/preproc';

const release = MacroTable.from(buildDefines('release'));

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
function randomBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

describe('preproc: hostile input', () => {
  it('empty text and a lone newline', () => {
    const e = evaluatePreprocessor('', { defines: release });
    assert.equal(e.lineCount, 1);
    assert.deepEqual(Array.from(e.active), [1]);
    const nl = evaluatePreprocessor('\n', { defines: release });
    assert.equal(nl.lineCount, 2);
  });

  it('binary data (NUL bytes, random bytes, invalid UTF-8) is evaluated without throwing', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const bytes = randomBytes(20_000, seed);
      for (const text of [bytes.toString('utf8'), bytes.toString('latin1')]) {
        const r = evaluatePreprocessor(text, { defines: release });
        assert.equal(r.lineCount, text.split('\n').length);
        assert.equal(r.active.length, r.lineCount);
      }
    }
  });

  it('directives next to invalid UTF-8 still work', () => {
    const bytes = Buffer.concat([
      Buffer.from('\xff\xfe junk \x00\n', 'latin1'),
      Buffer.from('#if !HAKMEM_BUILD_RELEASE\n'),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x0a]),
      Buffer.from('#endif\nend;\n'),
    ]);
    const r = evaluatePreprocessor(bytes.toString('utf8'), { defines: release });
    assert.deepEqual(Array.from(r.active), [1, 1, 0, 1, 1, 1]);
  });

  it('random directive soup never throws and keeps the per-line table consistent', () => {
    const pieces = [
      '#if',
      '#ifdef',
      '#ifndef',
      '#elif',
      '#else',
      '#endif',
      '#define',
      '#undef',
      '#include',
      '#',
      '/*',
      '*/',
      '"',
      "'",
      '\\',
      '(',
      ')',
      'defined',
      'X',
      '1',
      '0',
      '&&',
      '||',
      '?',
      ':',
      '\n',
      ' ',
      '//',
    ];
    let x = 12345;
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let i = 0; i < 300; i++) {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        text += pieces[x % pieces.length];
        if (x % 3 === 0) text += '\n';
      }
      const r = evaluatePreprocessor(text, { defines: release, resolveInclude: () => ({ path: 'self.h', text }) });
      assert.equal(r.active.length, r.lineCount);
      for (const range of r.inactiveRanges) {
        assert.ok(range.startLine <= range.endLine && range.endLine < r.lineCount);
        assert.equal(r.active[range.startLine], 0);
      }
    }
  });

  it('an unterminated comment or string runs to the end without a hang', () => {
    const r = evaluatePreprocessor('#if 1\nx;\n/* never closed\n#endif\n', { defines: release });
    assert.deepEqual(r.problems, [{ line: 0, message: 'unterminated #if' }]);
    const s = evaluatePreprocessor('#define S "never closed\n#ifdef S\nyes;\n#endif\n', { defines: release });
    assert.equal(s.active[2], 1);
  });

  it('runaway macro growth is stopped with a problem', () => {
    const lines = ['#define X0 1'];
    for (let i = 1; i <= 40; i++) lines.push(`#define X${i} (X${i - 1} + X${i - 1})`);
    lines.push('#if X40', 'never;', '#endif', 'after;');
    const r = evaluatePreprocessor(lines.join('\n'), { defines: release });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.message, /#if: macro expansion too large/);
    assert.equal(r.active[lines.length - 1], 1);
  });

  it('very deep #if nesting and a huge directive line', () => {
    const depth = 20_000;
    const text = '#if 1\n'.repeat(depth) + 'inner;\n' + '#endif\n'.repeat(depth) + '#if ' + '('.repeat(1_000_000) + '\nx;\n#endif\n';
    const r = evaluatePreprocessor(text, { defines: release });
    assert.equal(r.active[depth], 1);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.message, /^#if: /);
  });

  it('a 10 MB file is evaluated completely', () => {
    const block = [
      'static void f(void) {',
      '#if !HAKMEM_BUILD_RELEASE',
      '  fprintf(stderr, "debug\\n");',
      '#endif',
      '  work();',
      '}',
      '',
    ].join('\n');
    const text = block.repeat(Math.ceil(10_000_000 / block.length));
    const r = evaluatePreprocessor(text, { defines: release });
    const blocks = Math.ceil(10_000_000 / block.length);
    assert.equal(r.lineCount, blocks * 6 + 1);
    assert.equal(r.inactiveRanges.length, blocks);
    assert.deepEqual(r.inactiveRanges[blocks - 1], { startLine: (blocks - 1) * 6 + 2, endLine: (blocks - 1) * 6 + 2 });
    assert.equal(r.conditionals.length, blocks);
  });
});

describe('preproc: directive scanner', () => {
  it('finds directives with their line spans and detects include guards', () => {
    const s = scanDirectives('#ifndef G_H\n#define G_H \\\n  1\n  # include <a.h> // c\nint x;\n#endif /* G_H */\n');
    assert.deepEqual(
      s.directives.map((d) => [d.line, d.endLine, d.name, d.rest]),
      [
        [0, 0, 'ifndef', 'G_H'],
        [1, 2, 'define', 'G_H   1'],
        [3, 3, 'include', '<a.h>'],
        [5, 5, 'endif', ''],
      ],
    );
    assert.equal(s.guard, 'G_H');
    assert.equal(scanDirectives('#if !defined(X)\n#define X\n#endif').guard, 'X');
    assert.equal(scanDirectives('#ifndef X\n#define X\n#endif\n#define AFTER 1\n').guard, undefined);
    assert.equal(scanDirectives('#ifndef X\n#define Y\n#endif\n').guard, undefined);
  });
});

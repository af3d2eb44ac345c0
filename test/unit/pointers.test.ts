import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadC, type CLanguage } from '../../server/src/parse/treeSitter';
import { parsePointerConfig } from '../../server/src/pointers';
import { analyzeFolder, type FolderAnalysis } from '../../server/src/pointers/standalone';
import { expectedFindings } from '../util/markers';
import { fixturesDir, repoRoot } from '../util/paths';

const pointersDir = join(fixturesDir, 'pointers');
const POINTER_CODES: ReadonlySet<string> = new Set(['user-base-mismatch', 'double-conversion', 'raw-next-access']);

function actualFindings(result: FolderAnalysis): string[] {
  return result.files.flatMap((f) => result.model.findings(f.path).map((x) => `${basename(f.path)}:${x.span.line + 1}:${x.code}`)).sort();
}

let lang: CLanguage;
const cache = new Map<string, FolderAnalysis>();
function analyse(name: string): FolderAnalysis {
  let r = cache.get(name);
  if (!r) cache.set(name, (r = analyzeFolder(lang, join(pointersDir, name))));
  return r;
}

before(async () => {
  lang = await loadC();
});

describe('pointer kinds on fixtures (every expect marker found, nothing else)', () => {
  for (const name of readdirSync(pointersDir).sort()) {
    it(name, () => {
      const result = analyse(name);
      assert.deepEqual(result.configErrors, []);
      assert.deepEqual(actualFindings(result), expectedFindings(join(pointersDir, name), POINTER_CODES));
    });
  }
});

function lineOf(path: string, line: number): string {
  return readFileSync(path, 'utf8').split('\n')[line]!;
}

function fileOf(result: FolderAnalysis, name: string): string {
  const f = result.files.find((x) => basename(x.path) === name);
  assert.ok(f, `${name} analysed`);
  return f.path;
}

describe('function summaries', () => {
  it('infers a converter from its body: returns its argument plus the header size (Fix #16)', () => {
    const s = analyse('double-conversion').model.summaries();
    assert.deepEqual(s.get('tiny_region_id_write_header'), { params: ['BASE', undefined], returns: 'USER' });
    assert.equal(s.get('tiny_alloc_fast_pop')?.returns, 'USER');
    assert.equal(s.get('tiny_refill_pop')?.returns, 'USER');
  });

  it('a parameter converted USER→BASE on entry expects USER', () => {
    const s = analyse('double-conversion').model.summaries();
    assert.deepEqual(s.get('release_twice')?.params, ['USER']);
  });

  it('a parameter that receives USER at every call site is USER, through several levels', () => {
    const s = analyse('slab-index').model.summaries();
    assert.equal(s.get('hak_free_at')?.params[0], 'USER');
    assert.equal(s.get('tiny_free_magazine')?.params[0], 'USER');
    assert.equal(s.get('tiny_debug_track_alloc_ret')?.params[0], 'USER');
    assert.equal(s.get('tiny_debug_track_alloc_ret')?.returns, 'USER');
  });

  it('config, annotations, typedefs and built-ins give fixed summaries', () => {
    const slab = analyse('slab-index').model.summaries();
    assert.deepEqual(slab.get('slab_index_for')?.params, [undefined, 'BASE']);
    assert.deepEqual(slab.get('free')?.params, ['USER']);
    assert.equal(slab.get('malloc')?.returns, 'USER');
    const notes = analyse('annotations').model.summaries();
    assert.equal(notes.get('slab_pop')?.returns, 'BASE');
    assert.deepEqual(notes.get('slab_push')?.params, [undefined, 'BASE']);
    assert.deepEqual(notes.get('slab_carve')?.params, ['BASE', undefined]);
    assert.deepEqual(notes.get('hdr_write')?.params, ['BASE', undefined]);
    assert.equal(notes.get('user_of')?.returns, 'USER');
    const typed = analyse('fields').model.summaries();
    assert.deepEqual(typed.get('mid_release')?.params, ['BASE']);
    assert.equal(typed.get('mid_first')?.returns, 'BASE');
  });

  it('a parameter passed USER by some callers and BASE by others stays unknown', () => {
    const s = analyse('correct').model.summaries();
    assert.equal(s.get('maybe')?.params[0], undefined);
  });
});

describe('messages and related information', () => {
  it('names both kinds and where each came from', () => {
    const r = analyse('slab-index');
    const path = fileOf(r, 'free_paths.c');
    const f = r.model.findings(path).find((x) => x.span.line === 8);
    assert.ok(f);
    assert.match(
      f.message,
      /^USER pointer `ptr` where BASE is expected: slab_index_for\(\) expects BASE for parameter p \(\.hakmem\.json pointers\.expects\.slab_index_for\); `ptr` is USER from parameter ptr of hak_tiny_free/,
    );
    assert.match(f.message, /USER at every call site, e\.g\. free_paths\.c:\d+/);
    const origin = f.related[0]!;
    assert.equal(lineOf(origin.path, origin.span.line).trim(), 'static void hak_tiny_free(void *ptr) {');
    const expectation = f.related.find((x) => x.message.startsWith('BASE expected'));
    assert.ok(expectation, 'the expected kind points at slab_index_for');
    assert.match(lineOf(expectation.path, expectation.span.line), /slab_index_for\(SuperSlab \*ss, void \*p\)/);
    assert.ok(f.related.some((x) => /USER passed to hak_tiny_free\(\) here/.test(x.message)));
  });

  it('a double conversion points at the first conversion', () => {
    const r = analyse('double-conversion');
    const path = fileOf(r, 'tiny_alloc_fast.c');
    const f = r.model.findings(path).find((x) => x.code === 'double-conversion' && lineOf(path, x.span.line).includes('HAK_RET_ALLOC'));
    assert.ok(f);
    assert.match(
      f.message,
      /tiny_region_id_write_header\(\) converts BASE→USER, but its operand is already a USER pointer \(from tiny_alloc_fast_pop\(\) at tiny_alloc_fast\.c:\d+\)/,
    );
    assert.match(lineOf(f.related[0]!.path, f.related[0]!.span.line), /tiny_alloc_fast_pop\(class_idx\)/);
    assert.equal(f.fix, undefined, 'no fix inside a macro expansion');
  });
});

describe('quick fixes', () => {
  it('inserts the configured conversion, drops a second conversion, and routes raw links through the API', () => {
    const r = analyse('link-fix');
    const path = fileOf(r, 'links.c');
    const fixes = r.model.findings(path).map((f) => [f.code, f.fix?.title, f.fix?.edits.map((e) => e.newText)]);
    assert.deepEqual(fixes, [
      ['raw-next-access', 'Write the link with hak_link_set()', ['hak_link_set(slot, g_free)']],
      ['raw-next-access', 'Read the link with hak_link_get()', ['hak_link_get(slot)']],
      ['user-base-mismatch', 'Convert to BASE with hak_user_to_base()', ['hak_user_to_base(p)']],
      ['double-conversion', 'Remove the second BASE→USER conversion', ['p']],
    ]);
  });

  for (const name of ['link-fix', 'slab-index']) {
    it(`applying every fix in ${name} leaves no finding`, () => {
      const tmp = mkdtempSync(join(tmpdir(), 'hakmem-pointers-'));
      try {
        cpSync(join(pointersDir, name), tmp, { recursive: true });
        const before = analyzeFolder(lang, tmp);
        for (const f of before.files) {
          const edits = before.model.findings(f.path).flatMap((x) => x.fix?.edits ?? []);
          if (edits.length === 0) continue;
          writeFileSync(f.path, applyEdits(readFileSync(f.path, 'utf8'), edits));
        }
        const after = analyzeFolder(lang, tmp);
        assert.deepEqual(
          after.files.flatMap((f) => after.model.findings(f.path).map((x) => `${basename(f.path)}:${x.span.line + 1}:${x.code}`)),
          [],
        );
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});

function applyEdits(
  text: string,
  edits: ReadonlyArray<{ span: { line: number; column: number; endLine: number; endColumn: number }; newText: string }>,
): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (line: number, column: number): number => starts[line]! + column;
  const sorted = [...edits].sort((a, b) => offset(b.span.line, b.span.column) - offset(a.span.line, a.span.column));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offset(e.span.line, e.span.column)) + e.newText + out.slice(offset(e.span.endLine, e.span.endColumn));
  return out;
}

describe('inlay hints and hover', () => {
  it('puts the kind right after each pointer variable and parameter name whose kind is known', () => {
    const r = analyse('fields');
    const path = fileOf(r, 'fields.c');
    const hints = r.model.hints(path);
    const shown = hints.map((h) => `${h.name}:${h.kind}`);
    assert.deepEqual(shown, ['b:BASE', 'u:USER', 'p:USER', 'b:BASE']);
    for (const h of hints) assert.ok(lineOf(path, h.line).slice(0, h.character).endsWith(h.name), `hint after ${h.name}`);
  });

  it('has no hint for a variable holding both kinds', () => {
    const r = analyse('correct');
    const path = fileOf(r, 'paths.c');
    const reuseLine = readFileSync(path, 'utf8')
      .split('\n')
      .findIndex((l) => l.startsWith('void *reuse('));
    assert.ok(!r.model.hints(path).some((h) => h.line === reuseLine && h.name === 'p'));
  });

  it('hover shows kind and origin of the pointer under the cursor', () => {
    const r = analyse('flow');
    const path = fileOf(r, 'flow.c');
    const lines = readFileSync(path, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('block_header(u);'));
    const character = lines[line]!.indexOf('(u)') + 1;
    assert.equal(r.model.hover(path, line, character), `**u**: USER pointer — from malloc() at flow.c:${line}`);
    const declLine = lines.findIndex((l) => l.includes('uint8_t *b = (uint8_t *)to_base'));
    assert.match(
      r.model.hover(path, declLine, lines[declLine]!.indexOf('*b') + 1) ?? '',
      /^\*\*b\*\*: BASE pointer — from to_base\(\) at flow\.c:\d+$/,
    );
    assert.equal(r.model.hover(path, 0, 0), undefined);
  });
});

describe('incremental extraction', () => {
  it('a function moved down by an edit above keeps correct absolute positions', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hakmem-pointers-'));
    try {
      cpSync(join(pointersDir, 'flow'), tmp, { recursive: true });
      const before = analyzeFolder(lang, tmp);
      const path = join(tmp, 'flow.c');
      writeFileSync(path, '/* one */\n/* two */\n/* three */\n' + readFileSync(path, 'utf8'));
      const after = analyzeFolder(lang, tmp);
      assert.deepEqual(
        after.model.findings(path).map((f) => f.span.line),
        before.model.findings(path).map((f) => f.span.line + 3),
      );
      assert.deepEqual(
        after.model.hints(path).map((h) => h.line),
        before.model.hints(path).map((h) => h.line + 3),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('configuration', () => {
  it('reads the bundled allocator configuration without errors', () => {
    const raw = JSON.parse(readFileSync(join(repoRoot, 'native', '.hakmem.json'), 'utf8')) as { pointers: unknown };
    const { config, errors } = parsePointerConfig(raw.pointers);
    assert.deepEqual(errors, []);
    assert.equal(config.headerSize, 16);
    assert.deepEqual(config.linkApi, ['hak_link_get', 'hak_link_set']);
  });

  it('names the key of every bad entry and keeps the good ones', () => {
    const { config, errors } = parsePointerConfig({
      headerSize: 0,
      toUser: ['ok_name', 'not a name'],
      expects: { f: { p: 'middle', q: 'base' }, g: 3 },
      returns: { h: 'user', i: 'sideways' },
      fields: { nodot: 'base' },
      blockKinds: { tiny: { headerSize: 1 }, bad: {} },
      colour: 'blue',
    });
    assert.deepEqual(errors.map((e) => e.key).sort(), [
      'pointers.blockKinds.bad',
      'pointers.colour',
      'pointers.expects.f.p',
      'pointers.expects.g',
      'pointers.fields.nodot',
      'pointers.headerSize',
      'pointers.returns.i',
      'pointers.toUser[1]',
    ]);
    assert.deepEqual(config.toUser, ['ok_name']);
    assert.deepEqual(config.expects, { f: { q: 'BASE' } });
    assert.deepEqual(config.returns, { h: 'USER' });
    assert.deepEqual(config.headerSizes, [1]);
    assert.equal(config.headerSize, undefined);
  });

  it('rejects a section that is not an object', () => {
    for (const raw of [42, 'x', [1]]) assert.deepEqual(parsePointerConfig(raw).errors, [{ key: 'pointers', message: 'must be an object' }]);
    assert.deepEqual(parsePointerConfig(undefined).errors, []);
  });
});

describe('robustness', () => {
  const analyseText = (text: string): FolderAnalysis => {
    const tmp = mkdtempSync(join(tmpdir(), 'hakmem-pointers-'));
    try {
      writeFileSync(join(tmp, 'odd.c'), text);
      writeFileSync(join(tmp, '.hakmem.json'), JSON.stringify({ pointers: { headerSize: 1, toBase: ['to_base'], linkApi: ['link_get'] } }));
      return analyzeFolder(lang, tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };

  it('never throws on broken, truncated or binary-looking input', () => {
    const inputs = [
      '',
      'void f(void *p) { if (p',
      'void f( { } } } ) ;;; #if\n#endif\n#else',
      'int x = ((((((((((((((1))))))))))))));\nvoid g(void){' + 'if (x) {'.repeat(300) + '}'.repeat(300) + '}',
      'void h(void) { for (;;) { switch (1) { case 1: { default: goto l; } } l: continue; } }',
      '\u0000\u0001\u00ff void *q = *(void**)',
      'void i(void *p) { p = (uint8_t*)p + 1; p = (uint8_t*)p + 1; p = (uint8_t*)p - 1; while (p) p = to_base(p); }',
      'static _Thread_local void *t; HAK_ATTR void *j(void *p) { return *(void **)p; }',
    ];
    for (const text of inputs) {
      const r = analyseText(text);
      for (const f of r.files) {
        r.model.findings(f.path);
        r.model.hints(f.path);
        r.model.hover(f.path, 0, 5);
      }
    }
  });

  it('still finds raw link accesses in functions the grammar garbles', () => {
    const r = analyseText('__attribute__((hot)) void *k(void *p) {\n  return *(void **)p;\n}\n');
    assert.deepEqual(
      r.files.flatMap((f) => r.model.findings(f.path).map((x) => `${x.span.line}:${x.code}`)),
      ['1:raw-next-access'],
    );
  });
});

describe('the bundled allocator', () => {
  it('has zero findings under its own configuration', () => {
    const r = analyzeFolder(lang, join(repoRoot, 'native'));
    assert.deepEqual(r.configErrors, []);
    assert.ok(r.files.length > 0);
    assert.deepEqual(
      r.files.flatMap((f) => r.model.findings(f.path).map((x) => `${basename(f.path)}:${x.span.line + 1}: ${x.message}`)),
      [],
    );
    const s = r.model.summaries();
    assert.deepEqual(s.get('hak_base_to_user'), { params: ['BASE'], returns: 'USER' });
  });
});

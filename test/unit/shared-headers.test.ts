// A header's directives and definitions are parsed once for every file that includes it
// (preproc's header cache, definitions shared across includers): what each includer sees
// must still be its own evaluation, and an edited header must be read again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lintPaths } from '../../server/src/analysis/lint';

const root = mkdtempSync(join(tmpdir(), 'hakmem-shared-headers-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The header decides, from the includer's own #define, whether LOG prints. */
const HEADER = [
  '#ifndef LOG_H',
  '#define LOG_H',
  '#include <stdio.h>',
  '#ifdef VERBOSE',
  '#define LOG(msg) fprintf(stderr, msg)',
  '#else',
  '#define LOG(msg) ((void)0)',
  '#endif',
  '#endif',
  '',
].join('\n');

function source(name: string, verbose: boolean): string {
  return [
    ...(verbose ? ['#define VERBOSE 1'] : []),
    '#include "log.h"',
    `void *${name}(unsigned long n) {`,
    '  LOG("alloc\\n");',
    '  return (void *)n;',
    '}',
    '',
  ].join('\n');
}

/** Files (by name) with a hot-path I/O finding. */
async function filesWithIo(): Promise<string[]> {
  const result = await lintPaths([root], { cwd: root, build: 'release' });
  return [...new Set(result.findings.filter((f) => f.code === 'hot-path-io').map((f) => f.path.slice(root.length + 1)))].sort();
}

describe('headers shared by many files', () => {
  it("evaluates a shared header under each includer's own defines", async () => {
    writeFileSync(join(root, 'log.h'), HEADER);
    writeFileSync(join(root, '.hakmem.json'), JSON.stringify({ entryPoints: ['malloc', 'calloc', 'realloc'] }));
    // Includers alternate, so a definition parsed for one is met again by the next under other defines.
    writeFileSync(join(root, 'a.c'), source('malloc', true));
    writeFileSync(join(root, 'b.c'), source('calloc', false));
    writeFileSync(join(root, 'c.c'), source('realloc', true));
    assert.deepEqual(await filesWithIo(), ['a.c', 'c.c']);
  });

  it('reads a header edited between two lints again', async () => {
    writeFileSync(join(root, 'log.h'), HEADER.replace('#ifdef VERBOSE', '#ifndef VERBOSE'));
    assert.deepEqual(await filesWithIo(), ['b.c']);
    writeFileSync(join(root, 'log.h'), HEADER.replace('#define LOG(msg) ((void)0)', '#define LOG(msg) puts(msg)'));
    assert.deepEqual(await filesWithIo(), ['a.c', 'b.c', 'c.c']);
  });
});

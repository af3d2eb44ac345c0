// The .vsix as a user installs it: bundles, wasm, schema, screenshots and the
// sample allocator's sources, nothing built from them and no node_modules.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sampleFiles } from '../../server/src/init/sample';
import { zipEntries } from '../util/zipListing';
import { nativeDir } from './harness/workspace';
import { ensureVsix } from './harness/vsix';

const SAMPLE = 'extension/server/dist/sample/';
/** What a build leaves: objects, libraries, binaries in build/, run history, source maps. */
const BUILD_OUTPUT = /(^|\/)(node_modules|build|\.hakmem)\/|\.(o|a|so|map|tsbuildinfo)$/;

test('the .vsix holds the sample allocator sources and no build output or node_modules', { timeout: 10 * 60_000 }, async (t) => {
  const vsix = await ensureVsix();
  const entries = zipEntries(vsix);
  const names = entries.map((e) => e.name);
  t.diagnostic(`${vsix}: ${statSync(vsix).size} bytes, ${names.filter((n) => n.startsWith('extension/')).length} files`);

  const unwanted = names.filter((n) => BUILD_OUTPUT.test(n));
  assert.deepEqual(unwanted, [], 'build outputs or node_modules in the package');
  // Exactly the sample's files, each with the size of its source.
  const packaged = entries.filter((e) => e.name.startsWith(SAMPLE));
  const expected = sampleFiles(nativeDir);
  assert.deepEqual(packaged.map((e) => e.name.slice(SAMPLE.length)).sort(), expected);
  for (const e of packaged) assert.equal(e.size, statSync(join(nativeDir, e.name.slice(SAMPLE.length))).size, e.name);
  for (const must of ['Makefile', '.hakmem.json', 'src/hakmem_api.c', 'bench/bench_fixed_size.c']) assert.ok(expected.includes(must), must);
  // What runs: the bundles and the grammar.
  for (const bundle of ['client/dist/extension.js', 'server/dist/server.js', 'server/dist/cli.js', 'server/dist/tree-sitter-c.wasm']) {
    assert.ok(names.includes(`extension/${bundle}`), `${bundle} missing`);
  }
});

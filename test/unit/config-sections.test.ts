// .hakmem.json is read by config/ alone; the sections with rules beyond the
// schema are checked by their engines through configSections.ts, and their
// problems are located in the file text like the schema's.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfigText } from '../../server/src/config/load';
import { loadWorkspaceConfigText } from '../../server/src/configSections';

const TEXT = `{
  "benchmarks": [{ "name": "a", "binary": "bench_a", "result": { "regex": "no group here" } }],
  "pointers": { "headerSize": 16 }
}
`;

describe('config sections', () => {
  test("an engine's section problems are reported at their key", () => {
    const { problems } = loadWorkspaceConfigText('/w', TEXT);
    const regex = problems.find((p) => p.key === 'benchmarks.0.result.regex');
    assert.ok(regex, `benchmark regex problem missing: ${JSON.stringify(problems)}`);
    assert.match(regex.message, /named group/);
    assert.equal(TEXT.slice(regex.offset, regex.offset + regex.length), '"regex": "no group here"');
    // A valid pointers section passes its engine's check.
    assert.deepEqual(
      problems.filter((p) => p.key.startsWith('pointers')),
      [],
    );
  });

  test('config/ alone checks only the schema, and the sections it is given', () => {
    const schemaOnly = loadConfigText('/w', TEXT).problems.map((p) => p.key);
    assert.ok(!schemaOnly.includes('benchmarks.0.result.regex'), schemaOnly.join(', '));
    const withOne = loadConfigText('/w', TEXT, [{ name: 'pointers', check: () => [{ key: 'pointers.headerSize', message: 'probe' }] }]);
    const probe = withOne.problems.filter((p) => p.message.includes('probe'));
    assert.deepEqual(
      probe.map((p) => p.key),
      ['pointers.headerSize'],
    );
    assert.equal(TEXT.slice(probe[0]!.offset, probe[0]!.offset + probe[0]!.length), '"headerSize": 16');
  });
});

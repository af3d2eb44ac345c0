// The layers of ARCHITECTURE.md are enforced by the project's own lint config
// (eslint.config.mjs): a deliberate violation in each layer fails it, and the
// same import from the layer that may make it passes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { fixturesDir, repoRoot } from '../util/paths';

const eslint = new ESLint({ cwd: repoRoot });

/** The rule ids ESLint reports for `code` as if it were the file at `path` (relative to the repository). */
async function ruleIdsFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${path}` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('import boundaries', () => {
  test('an engine importing the language server fails the lint', async () => {
    const ids = await ruleIdsFor('server/src/bench/boundaryProbe.ts', "import { startServer } from '../lsp/server';\nstartServer();\n");
    assert.deepEqual(ids, ['no-restricted-imports']);
  });

  test('an engine importing the CLI fails the lint', async () => {
    const ids = await ruleIdsFor('server/src/profile/boundaryProbe.ts', "import { runCli } from '../cli/main';\nrunCli();\n");
    assert.deepEqual(ids, ['no-restricted-imports']);
  });

  test('the language server and the CLI may import the engines and each other', async () => {
    assert.deepEqual(await ruleIdsFor('server/src/lsp/boundaryProbe.ts', "import { runCli } from '../cli/main';\nrunCli();\n"), []);
    assert.deepEqual(await ruleIdsFor('server/src/cli/boundaryProbe.ts', "import { x } from '../bench/runner';\nx();\n"), []);
  });

  test('vscode is imported only by the client', async () => {
    // The probe is kept as a fixture: this test itself must stay free of an editor import.
    const code = readFileSync(join(fixturesDir, 'lint-boundaries', 'editor-import.ts.txt'), 'utf8');
    assert.deepEqual(await ruleIdsFor('server/src/lsp/boundaryProbe.ts', code), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor('media/src/flame/boundaryProbe.ts', code), ['no-restricted-imports']);
    assert.deepEqual(await ruleIdsFor('client/src/boundaryProbe.ts', code), []);
  });

  test('a page importing a Node module fails the lint, with or without the node: prefix', async () => {
    assert.deepEqual(
      await ruleIdsFor('media/src/flame/boundaryProbe.ts', "import { readFileSync } from 'node:fs';\nreadFileSync('x');\n"),
      ['no-restricted-imports'],
    );
    assert.deepEqual(await ruleIdsFor('media/src/results/boundaryProbe.ts', "import { join } from 'path';\njoin('x');\n"), [
      'no-restricted-imports',
    ]);
  });

  test('the tree as committed passes the lint', async () => {
    const results = await eslint.lintFiles(['.']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}: ${m.ruleId ?? ''} ${m.message}`));
    assert.deepEqual(problems, []);
  });
});

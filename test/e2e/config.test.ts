// A broken .hakmem.json is reported on the file itself, as a user edits it:
// invalid JSON, then a wrong value naming its key; each fix clears the error.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { prepare, withVSCode } from './harness/session';
import { seededAllocatorWorkspace, type Workspace } from './harness/workspace';
import { UI_TIMEOUT } from './harness/workbench';

const CONFIG = '.hakmem.json';
const MINIMAL = '{\n  "guardMacro": "HAKMEM_BUILD_RELEASE"\n}\n';

let workspace: Workspace;
/** The valid configuration the edits start from and return to. */
let valid: string;

before(
  async () => {
    await prepare();
    workspace = seededAllocatorWorkspace();
    // Start from the bundled allocator's configuration, or a minimal one if it has none.
    const config = workspace.path(CONFIG);
    if (!existsSync(config)) writeFileSync(config, MINIMAL);
    valid = readFileSync(config, 'utf8');
  },
  { timeout: 20 * 60_000 },
);

after(() => workspace?.remove());

test('editing .hakmem.json into invalid JSON or a wrong value shows a config error until fixed', { timeout: 150_000 }, async (t) => {
  await withVSCode(t, { folder: workspace.root }, async ({ workbench }) => {
    await workbench.openFile(CONFIG);
    await workbench.showProblems();
    const configErrors = () => workbench.problemRows('hakmem', 'config');
    assert.equal(await configErrors().count(), 0, 'a valid config has no error');

    await workbench.replaceEditorText('{\n  "guardMacro": \n');
    const syntax = await workbench.problem('hakmem', 'config');
    assert.equal(syntax.severity, 'error');
    assert.ok(syntax.message.length > 0);
    assert.equal(await configErrors().count(), 1, 'one error for the broken file');

    await workbench.replaceEditorText(valid);
    await configErrors().first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await workbench.replaceEditorText('{\n  "guardMacro": "1 not a macro"\n}\n');
    const wrongValue = await workbench.problem('hakmem', 'config');
    assert.equal(wrongValue.severity, 'error');
    assert.match(wrongValue.message, /guardMacro/, 'the error names the key');

    await workbench.replaceEditorText(valid);
    await configErrors().first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });
});

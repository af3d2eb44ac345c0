// Workspace trust on, folder not trusted (Restricted Mode): the analysis still
// runs, and the commands that build or run code are not offered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededSuite, withVSCode } from './harness/session';
import { UI_TIMEOUT } from './harness/workbench';

/** Palette titles of the commands that build or run code from the workspace. */
const RUNNING_COMMANDS = ['HAKMEM: Run Benchmark', 'HAKMEM: Compare Allocators', 'HAKMEM: Profile Benchmark'];

const suite = seededSuite();

test('in an untrusted folder diagnostics appear and build/run commands are unavailable', { timeout: 150_000 }, async (t) => {
  await withVSCode(t, { folder: suite.workspace.root, workspaceTrust: true }, async ({ workbench }) => {
    await workbench.restrictedModeIndicator().first().waitFor({ timeout: UI_TIMEOUT });

    await workbench.openFile('hot_hazard.c');
    await workbench.squiggles().first().waitFor({ timeout: UI_TIMEOUT });
    const entry = await workbench.problem('hakmem', 'hot-path-io');
    assert.match(entry.message, /fprintf/);

    for (const title of RUNNING_COMMANDS) {
      const offered = await workbench.paletteEntries(title);
      assert.ok(!offered.some((e) => e.includes(title)), `${title} is offered in Restricted Mode: ${JSON.stringify(offered)}`);
    }
  });
});

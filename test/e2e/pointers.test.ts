// USER/BASE kinds as a user sees them: inlay hints after the pointer variables
// of the bundled allocator's mid-size path, from its .hakmem.json pointer config.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededSuite, withVSCode } from './harness/session';
import { lineOf } from './harness/workspace';
import { UI_TIMEOUT } from './harness/workbench';

const FILE = 'src/hakmem_api.c';
const BASE_LINE_TEXT = 'hak_base_t base = hak_slot_base(slot);';

const suite = seededSuite();

test('inlay hints show USER/BASE kinds on pointer variables', { timeout: 120_000 }, async (t) => {
  await withVSCode(t, { folder: suite.workspace.root }, async ({ workbench }) => {
    await workbench.openFile(FILE);
    await workbench.gotoLine(lineOf(suite.workspace.path(FILE), BASE_LINE_TEXT));
    const hints = workbench.inlayHints();
    await hints
      .filter({ hasText: /^\s*BASE\s*$/ })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    // Padding around a hint is drawn as its own empty span.
    const labels = (await hints.allTextContents()).map((s) => s.trim()).filter(Boolean);
    assert.ok(labels.includes('BASE'), `hints: ${labels.join(', ')}`);
    assert.ok(
      labels.every((l) => l === 'BASE' || l === 'USER'),
      `only kinds are injected: ${labels.join(', ')}`,
    );
  });
});

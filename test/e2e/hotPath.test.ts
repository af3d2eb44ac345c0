// The hot-path lint as a user meets it in VS Code: a seeded debug trace in the
// bundled allocator shows a squiggle, a Problems entry with its rule code and
// call chain, a lightbulb fix that wraps it in the release guard (after which
// the finding is gone and the wrapped code is faded), the "compiled out"
// fading on existing debug-only code, and the status bar item.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededSuite, withVSCode } from './harness/session';
import { lineOf } from './harness/workspace';
import { UI_TIMEOUT } from './harness/workbench';

const HAZARD_FILE = 'hot_hazard.c';
const HAZARD_LINE_TEXT = 'fprintf(stderr, "refill';
const DEBUG_ONLY_TEXT = 'traced allocations: none';
/** Each call on the way from hak_alloc_traced to the trace: callee and the text of its call site. */
const CALL_CHAIN = [
  ['refill_slow', 'return refill_slow(size);'],
  ['refill_trace', 'refill_trace(size);'],
] as const;
const WRAP_FIX = 'Wrap in #if !HAKMEM_BUILD_RELEASE';
const CASE_TIMEOUT = 150_000;

const suite = seededSuite();

test('a seeded hot-path hazard is flagged, explained and fixed from the lightbulb', { timeout: CASE_TIMEOUT }, async (t) => {
  await withVSCode(t, { folder: suite.workspace.root }, async ({ workbench }) => {
    await workbench.openFile(HAZARD_FILE);

    // The squiggle, and the status bar item the extension adds.
    await workbench.squiggles().first().waitFor({ timeout: UI_TIMEOUT });
    await workbench
      .statusBarItem(/^\s*HAKMEM/)
      .first()
      .waitFor({ timeout: UI_TIMEOUT });

    // Problems: message, source(code), and the call chain as related information.
    const entry = await workbench.problem('hakmem', 'hot-path-io');
    assert.match(entry.message, /fprintf/);
    assert.match(entry.message, /on every call of \w+ \(fast path/);
    // The call chain: one related entry per call from the entry point down, at its call site.
    assert.ok(entry.related.length >= 2, `expected a call chain of 2+ steps, got: ${JSON.stringify(entry.related)}`);
    assert.ok(
      entry.related.some((r) => r.includes('hak_alloc_traced')),
      `chain should name the entry point: ${JSON.stringify(entry.related)}`,
    );
    for (const [callee, callSite] of CALL_CHAIN) {
      const line = lineOf(suite.workspace.path(HAZARD_FILE), callSite);
      const step = entry.related.find((r) => r.includes(`${HAZARD_FILE}[Ln ${line},`) && r.includes(callee));
      assert.ok(step, `no chain step for the call to ${callee} at line ${line}: ${JSON.stringify(entry.related)}`);
    }

    // Code that is already compiled out of the release build is faded (decorations render only in view).
    await workbench.gotoLine(lineOf(suite.workspace.path(HAZARD_FILE), DEBUG_ONLY_TEXT));
    await workbench.fadedLine(DEBUG_ONLY_TEXT).waitFor({ state: 'attached', timeout: UI_TIMEOUT });

    // The lightbulb's wrap fix guards the statement; the finding goes away without saving.
    await workbench.gotoLine(lineOf(suite.workspace.path(HAZARD_FILE), HAZARD_LINE_TEXT));
    assert.equal(await workbench.fadedLine(HAZARD_LINE_TEXT).count(), 0, 'the hazard is compiled in, so not faded');
    await workbench.applyLightbulbFix(WRAP_FIX);
    // The guard appears around the statement (the edit lands asynchronously, so wait for it).
    await workbench.waitForEditorText(/#if !HAKMEM_BUILD_RELEASE\s*\n\s*fprintf\(stderr, "refill %zu\\n", size\);\s*\n\s*#endif/);
    await workbench.problemRows('hakmem', 'hot-path-io').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await workbench.squiggles().first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // The newly guarded statement is faded too.
    await workbench.fadedLine(HAZARD_LINE_TEXT).waitFor({ state: 'attached', timeout: UI_TIMEOUT });
  });
});

test('the build and run commands are offered in a trusted workspace', { timeout: CASE_TIMEOUT }, async (t) => {
  await withVSCode(t, { folder: suite.workspace.root }, async ({ workbench }) => {
    await workbench.openFile(HAZARD_FILE);
    await workbench.squiggles().first().waitFor({ timeout: UI_TIMEOUT });
    const entries = await workbench.paletteEntries('HAKMEM: Run Benchmark');
    assert.ok(
      entries.some((e) => /HAKMEM: Run Benchmark/.test(e)),
      `palette offered: ${JSON.stringify(entries)}`,
    );
  });
});

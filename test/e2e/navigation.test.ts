// Code navigation as a user meets it in VS Code, served by the extension's
// language server alone (no C/C++ extension installed), on the bundled
// allocator: Show Call Hierarchy (Shift+Alt+H) on hak_alloc lists its callers,
// then its callees, each opening where it calls or is defined; Go to Definition
// (F12) on a call, or on a prototype in a header, jumps to the function in
// another file; and the hot-path chain in a function's hover is links that
// open each call.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { waitForCursor } from './harness/benchUi';
import { gotoPosition, referencesLabels, referencesRow, referencesTitle } from './harness/navigation';
import { seededSuite, withVSCode } from './harness/session';
import { UI_TIMEOUT } from './harness/workbench';
import { lineOf } from './harness/workspace';

const API_FILE = 'src/hakmem_api.c';
const OS_FILE = 'src/hakmem_os.c';
const HAK_ALLOC = 'void *hak_alloc(size_t size) {';
const MALLOC = 'HAK_EXPORT void *malloc(size_t size) { return hak_alloc(size); }';
/** Callers of hak_alloc in hakmem_api.c, and what it calls (as native/src has them). */
const CALLERS = ['malloc', 'hak_alloc_zeroed', 'hak_realloc', 'hak_alloc_aligned'];
const CALLEES = ['hak_small_alloc', 'hak_size_class', 'hak_mid_alloc', 'hak_huge_alloc'];
const HUGE_CALL = 'return hak_huge_alloc(size, HAK_ALIGN, false);';
const HUGE_DEFINITION = 'void *hak_huge_alloc(size_t size, size_t alignment, bool zero) {';
const HEADER_FILE = 'src/hakmem_internal.h';
const HUGE_PROTOTYPE = 'HAK_INTERNAL void *hak_huge_alloc(';
const SMALL_ALLOC = 'HAK_INLINE void *hak_small_alloc(unsigned cls) {';
const SMALL_CALL = 'return hak_small_alloc(hak_size_class(size));';
const CASE_TIMEOUT = 180_000;

const suite = seededSuite();

/** 1-based column of `word` on the first line of `file` containing `lineText`. */
function columnOf(file: string, lineText: string, word: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.includes(lineText))!;
  return line.indexOf(word, line.indexOf(lineText)) + 1;
}

test('call hierarchy, go to definition and hover links on the bundled allocator', { timeout: CASE_TIMEOUT }, async (t) => {
  await withVSCode(t, { folder: suite.workspace.root }, async ({ workbench }) => {
    const api = suite.workspace.path(API_FILE);
    const os = suite.workspace.path(OS_FILE);
    await workbench.openFile(API_FILE);
    // The language client is up once its status bar item is (the providers come with it).
    await workbench
      .statusBarItem(/^\s*HAKMEM/)
      .first()
      .waitFor({ timeout: UI_TIMEOUT });

    await t.test('Show Call Hierarchy on hak_alloc lists its callers, then its callees', async () => {
      await gotoPosition(workbench, lineOf(api, HAK_ALLOC), columnOf(api, HAK_ALLOC, 'hak_alloc'));
      await workbench.page.keyboard.press('Shift+Alt+H');
      await referencesTitle(workbench, 'Callers Of').waitFor({ timeout: UI_TIMEOUT });
      const callers = await referencesLabels(workbench, CALLERS[0]!);
      assert.equal(callers[0], 'hak_alloc', `the root is the function asked about: ${JSON.stringify(callers)}`);
      for (const name of CALLERS) assert.ok(callers.includes(name), `${name} calls hak_alloc: ${JSON.stringify(callers)}`);
      // A caller opens at its call.
      await referencesRow(workbench, 'malloc').first().click();
      await waitForCursor(workbench, 'hakmem_api.c', lineOf(api, MALLOC));

      await workbench.runCommand('Calls: Show Outgoing Calls');
      await referencesTitle(workbench, 'Calls From').waitFor({ timeout: UI_TIMEOUT });
      const callees = await referencesLabels(workbench, CALLEES[0]!);
      for (const name of CALLEES) assert.ok(callees.includes(name), `hak_alloc calls ${name}: ${JSON.stringify(callees)}`);
      assert.ok(!callees.includes('malloc'), `the callers are gone: ${JSON.stringify(callees)}`);
      // A callee opens at its definition, in its own file.
      await referencesRow(workbench, 'hak_huge_alloc').first().click();
      await waitForCursor(workbench, 'hakmem_os.c', lineOf(os, HUGE_DEFINITION));
    });

    await t.test('Go to Definition on a call, or on a prototype in a header, jumps to the function in its own file', async () => {
      await workbench.openFile(API_FILE);
      await gotoPosition(workbench, lineOf(api, HUGE_CALL), columnOf(api, HUGE_CALL, 'hak_huge_alloc'));
      await workbench.page.keyboard.press('F12');
      await waitForCursor(workbench, 'hakmem_os.c', lineOf(os, HUGE_DEFINITION));
      // From its prototype in a header too (VS Code opens .h files as C++).
      const header = suite.workspace.path(HEADER_FILE);
      await workbench.openFile(HEADER_FILE);
      await gotoPosition(workbench, lineOf(header, HUGE_PROTOTYPE), columnOf(header, HUGE_PROTOTYPE, 'hak_huge_alloc'));
      await workbench.page.keyboard.press('F12');
      await waitForCursor(workbench, 'hakmem_os.c', lineOf(os, HUGE_DEFINITION));
    });

    await t.test("the chain in a hot function's hover opens the call it names", async () => {
      await workbench.openFile(API_FILE);
      await gotoPosition(workbench, lineOf(api, SMALL_ALLOC), columnOf(api, SMALL_ALLOC, 'hak_small_alloc'));
      // Show Hover from the keyboard (Ctrl+K Ctrl+I), as a user without a mouse does.
      await workbench.page.keyboard.press('Control+K');
      await workbench.page.keyboard.press('Control+I');
      const hover = workbench.page.locator('.monaco-hover:visible', { hasText: 'on the hot path' }).first();
      await hover.waitFor({ timeout: UI_TIMEOUT });
      // hak_alloc → hak_small_alloc (hak_alloc is an entry point): the last link is hak_alloc's call of it.
      await hover
        .locator('a', { hasText: /^hak_small_alloc$/ })
        .first()
        .click();
      await waitForCursor(workbench, 'hakmem_api.c', lineOf(api, SMALL_CALL));
    });
  });
});

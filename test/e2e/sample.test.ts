// The first minute after installing the .vsix, with no folder open: the
// Benchmarks view offers Open Sample Allocator; the folder dialog takes an
// empty folder, the bundled allocator is copied there (sources only) and the
// window opens it; a debug fprintf added to the allocation path is flagged as
// a hot-path hazard, and Compare builds the copy from its sources and gives a
// verdict.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sampleFiles } from '../../server/src/init/sample';
import {
  acceptQuickPick,
  benchmarksViewEntries,
  benchmarksWelcomeButton,
  runRowAction,
  verdictWords,
  waitForPage,
} from './harness/benchUi';
import { makeTempDir, removeTempDir } from './harness/processes';
import { withVSCode } from './harness/session';
import { UI_TIMEOUT } from './harness/workbench';
import { lineOf, nativeDir } from './harness/workspace';

/** fixed_size: a full run takes well under a second, so 1 warm-up + 3 runs per allocator stay quick. */
const BENCHMARK = 'fixed_size';
const SETTINGS = { 'hakmem.benchmark.runs': 3, 'hakmem.benchmark.allocators': ['hakmem', 'system'] };
const ALLOCATION_PATH = 'src/hakmem_api.c';
const ALLOCATION_ENTRY = 'void *hak_alloc(size_t size) {';
/** Building the benchmark and the release library from the copied sources, then running, on a loaded 2-core machine. */
const RUN_TIMEOUT = 240_000;
const CASE_TIMEOUT = 420_000;

/** Every file under `dir`, relative with '/', sorted. */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`]))
    .sort();
}

test(
  'with no folder open, Open Sample Allocator copies the bundled allocator and opens it; lint and Compare work there',
  { timeout: CASE_TIMEOUT },
  async (t) => {
    const parent = makeTempDir('hakmem-e2e-sample-');
    // realpath: the workbench shows resolved paths, and /tmp may be a symlink.
    const target = join(realpathSync(parent), 'my-allocator');
    mkdirSync(target);
    try {
      await withVSCode(t, { folder: undefined, settings: SETTINGS }, async ({ workbench }) => {
        // Nothing to run yet: the view's welcome offers the sample.
        const open = await benchmarksWelcomeButton(workbench, 'Open Sample Allocator');
        await open.click();
        await workbench.chooseFolder(target);

        // The window opens the copy.
        await workbench.folderShown();
        assert.equal(new URL(workbench.page.url()).searchParams.get('folder'), target);
        assert.deepEqual(filesUnder(target), sampleFiles(nativeDir), 'the sources of native/, nothing built');

        // A debug trace on the allocation path (typed, not saved) is a hot-path finding with its chain.
        await workbench.openFile(ALLOCATION_PATH);
        await workbench.gotoLine(lineOf(join(target, ALLOCATION_PATH), ALLOCATION_ENTRY));
        await workbench.page.keyboard.press('End');
        await workbench.page.keyboard.press('Enter');
        await workbench.page.keyboard.insertText('  fprintf(stderr, "alloc %zu\\n", size);');
        const entry = await workbench.problem('hakmem', 'hot-path-io');
        assert.match(entry.message, /fprintf/);
        assert.ok(
          entry.related.some((r) => r.includes('hak_alloc is an allocator entry point')),
          `the finding says why the function is hot: ${JSON.stringify(entry.related)}`,
        );
        await workbench.runCommand('File: Revert File');
        await workbench.problemRows('hakmem', 'hot-path-io').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });

        // The copy's benchmarks, and a verdict from Compare (which builds them from the copied sources).
        const entries = await benchmarksViewEntries(workbench);
        assert.ok(
          entries.some((e) => e.label === BENCHMARK),
          JSON.stringify(entries),
        );
        await runRowAction(workbench, BENCHMARK, 'Compare Allocators');
        await acceptQuickPick(workbench);
        const frame = await workbench.webview(`Benchmark: ${BENCHMARK}`);
        await waitForPage(frame, '#app[aria-busy="false"]', RUN_TIMEOUT);
        const verdict = frame.locator('#verdicts li[data-decision]');
        await verdict.first().waitFor({ timeout: UI_TIMEOUT });
        const words = verdictWords((await verdict.first().getAttribute('data-decision')) ?? '', 'glibc');
        assert.equal((await verdict.first().locator('strong').textContent())?.trim(), 'hakmem');
        assert.match((await verdict.first().locator('.word').textContent())?.trim() ?? '', words.change);
        assert.match((await verdict.first().locator('.against').textContent())?.trim() ?? '', words.against);
      });
    } finally {
      removeTempDir(parent);
    }
  },
);

// Benchmarks as a user meets them in VS Code, on a built copy of the bundled
// allocator made a git repository: the Run CodeLens over a benchmark's main
// opens the results panel; after a new commit "Run again" compares with the
// run on the previous commit and states a verdict, which the status bar
// repeats. Compare, from the Benchmarks view, runs two allocators side by side.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  acceptQuickPick,
  benchmarksViewEntries,
  benchmarksViewRow,
  quickPickItems,
  runRowAction,
  showBenchmarksView,
  verdictWords,
  waitForPage,
} from './harness/benchUi';
import { builtAllocatorWorkspace, commitAll, initRepository } from './harness/benchWorkspace';
import { prepare, withVSCode } from './harness/session';
import { UI_TIMEOUT } from './harness/workbench';
import type { Workspace } from './harness/workspace';

/** fixed_size: a full run takes well under a second, so 1 warm-up + 3 runs per allocator stay quick. */
const BENCHMARK = 'fixed_size';
const SOURCE = `bench/bench_${BENCHMARK}.c`;
const SETTINGS = { 'hakmem.benchmark.runs': 3, 'hakmem.benchmark.allocators': ['hakmem', 'system'] };
const BUNDLED_BENCHMARKS = ['larson', 'random_mixed', 'fixed_size', 'mid_large_mt'];
/** Building (already up to date) and running, on a loaded 2-core machine. */
const RUN_TIMEOUT = 90_000;
const CASE_TIMEOUT = 180_000;

let workspace: Workspace;
let firstCommit: string;

before(
  async () => {
    await prepare();
    workspace = builtAllocatorWorkspace();
    firstCommit = initRepository(workspace.root);
  },
  { timeout: 20 * 60_000 },
);

after(() => workspace?.remove());

function historyLines(): number {
  const path = workspace.path('.hakmem/history.jsonl');
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim()).length
    : 0;
}

test(
  'Run from the CodeLens shows results; after a new commit Run again gives a verdict against the previous commit',
  { timeout: CASE_TIMEOUT },
  async (t) => {
    await withVSCode(t, { folder: workspace.root, settings: SETTINGS }, async ({ workbench }) => {
      await workbench.openFile(SOURCE);
      const run = workbench.codeLens('Run');
      await run.first().waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await workbench.codeLens('Compare').count(), 1);
      assert.equal(await workbench.codeLens('Profile').count(), 1);
      await run.first().click();

      const frame = await workbench.webview(`Benchmark: ${BENCHMARK}`);
      await waitForPage(frame, '#app[aria-busy="false"]', RUN_TIMEOUT);
      assert.equal(await frame.locator('#title').textContent(), BENCHMARK);
      // One series, measured 3 times: one bar with its CI whisker and a dot per run.
      const bar = frame.locator('#bars g.bar-group[data-series="hakmem"]');
      await bar.waitFor({ timeout: UI_TIMEOUT });
      assert.equal(await bar.locator('circle.sample').count(), 3);
      assert.equal(await bar.locator('line.whisker').count(), 3);
      assert.match((await frame.locator('#verdicts').textContent()) ?? '', /nothing to compare yet/);
      await workbench
        .statusBarItem(new RegExp(`^\\s*HAKMEM.*·.*${BENCHMARK}: 1 series measured`))
        .first()
        .waitFor({ timeout: UI_TIMEOUT });
      assert.equal(historyLines(), 1, 'the run is recorded in the workspace history');

      // A new commit: the next run's baseline is the run on the first commit.
      commitAll(workspace.root, 'a change');
      await frame.locator('#rerun').click();
      const verdict = frame.locator('#verdicts li[data-decision]');
      await verdict.first().waitFor({ timeout: RUN_TIMEOUT });
      const words = verdictWords((await verdict.first().getAttribute('data-decision')) ?? '', `hakmem at ${firstCommit.slice(0, 8)}`);
      // hakmem is the subject; the change is "N× faster/slower", "equivalent within ±T" or "undecided after N runs".
      assert.equal((await verdict.first().locator('strong').textContent())?.trim(), 'hakmem');
      assert.match((await verdict.first().locator('.word').textContent())?.trim() ?? '', words.change);
      assert.match((await verdict.first().locator('.against').textContent())?.trim() ?? '', words.against);
      // The verdict names the interval and the p-value it rests on.
      assert.match((await verdict.first().locator('.detail').textContent()) ?? '', /95% (repeated )?CI .* p = /);
      // The status bar names the benchmark and, for a change against history, the baseline commit.
      await workbench
        .statusBarItem(new RegExp(`^\\s*HAKMEM.*·.*${BENCHMARK}: ${words.status}`))
        .first()
        .waitFor({ timeout: UI_TIMEOUT });
      assert.equal(historyLines(), 2);
    });
  },
);

test('Compare from the Benchmarks view runs the picked allocators side by side', { timeout: CASE_TIMEOUT }, async (t) => {
  await withVSCode(t, { folder: workspace.root, settings: SETTINGS }, async ({ workbench }) => {
    await showBenchmarksView(workbench);
    const entries = await benchmarksViewEntries(workbench);
    assert.deepEqual(
      entries.map((e) => e.label),
      [...BUNDLED_BENCHMARKS, 'Allocators'],
    );
    assert.equal(entries.find((e) => e.label === BENCHMARK)?.description, '5000000 64 256', 'a benchmark shows its arguments');

    // The Allocators group says which allocators can run here; the bundled one is built.
    await benchmarksViewRow(workbench, 'Allocators').first().click();
    await benchmarksViewRow(workbench, 'hakmem-debug').first().waitFor({ timeout: UI_TIMEOUT });
    const allocators = await benchmarksViewEntries(workbench);
    assert.equal(allocators.find((e) => e.label === 'hakmem')?.description, 'available');
    assert.equal(allocators.find((e) => e.label === 'system')?.description, 'available');

    await runRowAction(workbench, BENCHMARK, 'Compare Allocators');
    // The picker preselects the available allocators of hakmem.benchmark.allocators; the first is the baseline.
    const items = await quickPickItems(workbench);
    assert.deepEqual(
      items.filter((i) => i.checked).map((i) => i.label),
      ['hakmem', 'system'],
      JSON.stringify(items),
    );
    await acceptQuickPick(workbench);

    const frame = await workbench.webview(`Benchmark: ${BENCHMARK}`);
    const verdict = frame.locator('#verdicts li[data-decision]');
    await verdict.first().waitFor({ timeout: RUN_TIMEOUT });
    for (const series of ['hakmem', 'system']) {
      assert.equal(await frame.locator(`#bars g.bar-group[data-series="${series}"] circle.sample`).count(), 3, `${series}: a dot per run`);
    }
    assert.deepEqual(await frame.locator('#summary-table th[scope="row"]').allTextContents(), ['hakmem', 'system']);
    // The allocator under development is the subject, whatever the order picked.
    assert.equal((await verdict.first().locator('strong').textContent())?.trim(), 'hakmem');
    const words = verdictWords((await verdict.first().getAttribute('data-decision')) ?? '', 'glibc');
    assert.match((await verdict.first().locator('.word').textContent())?.trim() ?? '', words.change);
    assert.match((await verdict.first().locator('.against').textContent())?.trim() ?? '', words.against);
    // The status bar names the benchmark, then the comparison that matters most.
    await workbench
      .statusBarItem(new RegExp(`^\\s*HAKMEM.*·.*${BENCHMARK}: ${words.status}`))
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
  });
});

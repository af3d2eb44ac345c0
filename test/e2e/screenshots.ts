// `node out/test/e2e/screenshots.js` (after `npx tsc -b`): the README's
// screenshots, taken from the packaged extension in code-server with real runs.
// Writes into media/screenshots/:
//   editor.png      a hot-path finding: squiggle, hover, Problems with the call chain
//   results.png     the results panel after comparing allocators
//   flamegraph.png  the flamegraph panel of a perf profile
//   benchmarks.png  the Benchmarks view in the explorer, CodeLens over a benchmark
import { cpSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, fixturesDir } from '../util/paths';
import { acceptQuickPick, benchmarksViewRow, runRowAction, showBenchmarksView, waitForPage } from './harness/benchUi';
import { builtAllocatorWorkspace, initRepository } from './harness/benchWorkspace';
import { prepare, withVSCode, type SessionOwner } from './harness/session';
import { UI_TIMEOUT, type Workbench } from './harness/workbench';
import { lineOf, seededAllocatorWorkspace } from './harness/workspace';

const OUT_DIR = join(repoRoot, 'media', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
/** README images stay small. */
const MAX_BYTES = 250 * 1024;
const RUN_TIMEOUT = 120_000;
const ALLOCATORS = ['hakmem', 'system', 'mimalloc', 'jemalloc', 'tcmalloc'];
const LINT_FIXTURE = join(fixturesDir, 'e2e', 'screenshots', 'cache_refill.c');
const LINT_FILE = 'src/cache_refill.c';
/** Nothing floating over the code but what the picture is about. */
const QUIET_EDITOR = { 'editor.stickyScroll.enabled': false };

function owner(name: string): SessionOwner {
  return { name, diagnostic: (message: string) => console.error(message) };
}

async function save(page: Page, file: string): Promise<void> {
  const path = join(OUT_DIR, file);
  // Let the last layout and paint settle before capturing.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  const size = statSync(path).size;
  console.log(`${path}  ${(size / 1024).toFixed(0)} KB`);
  if (size > MAX_BYTES) throw new Error(`${file} is ${(size / 1024).toFixed(0)} KB, over the ${MAX_BYTES / 1024} KB budget`);
}

/** Gives the active editor group the whole editor area. */
async function onlyThisGroup(workbench: Workbench): Promise<void> {
  await workbench.runCommand('View: Close Editors in Other Groups');
  await workbench.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

async function hotPathLint(): Promise<void> {
  const workspace = seededAllocatorWorkspace();
  try {
    // Only the pictured finding: the suite's own seed file would add a second one.
    rmSync(workspace.path('hot_hazard.c'), { force: true });
    cpSync(LINT_FIXTURE, workspace.path(LINT_FILE));
    await withVSCode(owner('screenshot hot-path-lint'), { folder: workspace.root, settings: QUIET_EDITOR }, async ({ workbench }) => {
      const page = workbench.page;
      await page.setViewportSize(VIEWPORT);
      await workbench.openFile(LINT_FILE);
      await workbench.squiggles().first().waitFor({ timeout: UI_TIMEOUT });
      // The Problems entry, expanded to its call chain.
      const entry = await workbench.problem('hakmem', 'hot-path-io');
      if (entry.related.length < 2) throw new Error(`expected a call chain, got ${JSON.stringify(entry.related)}`);
      // Squiggles are drawn under the text layer: point at one rather than hovering the element.
      const box = await workbench.squiggles().first().boundingBox();
      if (!box) throw new Error('the squiggle is not rendered');
      await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
      await page.locator('.monaco-hover:visible', { hasText: 'fast path' }).first().waitFor({ timeout: UI_TIMEOUT });
      await save(page, 'editor.png');
    });
  } finally {
    workspace.remove();
  }
}

async function benchmarksAndProfile(): Promise<void> {
  const workspace = builtAllocatorWorkspace();
  try {
    initRepository(workspace.root);
    const settings = { ...QUIET_EDITOR, 'hakmem.benchmark.runs': 5, 'hakmem.benchmark.allocators': ALLOCATORS };
    await withVSCode(owner('screenshot benchmarks'), { folder: workspace.root, settings }, async ({ workbench }) => {
      const page = workbench.page;
      await page.setViewportSize(VIEWPORT);
      const source = 'bench/bench_fixed_size.c';
      await workbench.openFile(source);
      await workbench.gotoLine(lineOf(workspace.path(source), 'int main('));
      await workbench.codeLens('Run').first().waitFor({ timeout: UI_TIMEOUT });
      await showBenchmarksView(workbench);
      await benchmarksViewRow(workbench, 'Allocators').first().click();
      await benchmarksViewRow(workbench, 'tcmalloc').first().waitFor({ timeout: UI_TIMEOUT });
      await benchmarksViewRow(workbench, 'fixed_size').first().hover();
      await save(page, 'benchmarks.png');

      await runRowAction(workbench, 'fixed_size', 'Compare Allocators');
      await acceptQuickPick(workbench);
      const results = await workbench.webview('Benchmark: fixed_size');
      await results.locator('#verdicts li[data-verdict]').first().waitFor({ timeout: RUN_TIMEOUT });
      await onlyThisGroup(workbench);
      await results.locator('#bars g.bar-group').first().waitFor({ timeout: UI_TIMEOUT });
      await page.mouse.move(0, VIEWPORT.height / 2);
      await save(page, 'results.png');

      await runRowAction(workbench, 'larson', 'Profile Benchmark');
      const flame = await workbench.webview('Flamegraph: larson');
      await waitForPage(flame, 'body[data-loaded="true"]', RUN_TIMEOUT);
      await onlyThisGroup(workbench);
      await flame.locator('#search').fill('hak_');
      await flame
        .locator('#match')
        .filter({ hasText: /Matched/ })
        .waitFor({ timeout: UI_TIMEOUT });
      await page.mouse.move(0, VIEWPORT.height / 2);
      await save(page, 'flamegraph.png');
    });
  } finally {
    workspace.remove();
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  await prepare();
  await hotPathLint();
  await benchmarksAndProfile();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`screenshots: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);

// Profiling as a user meets it in VS Code, on a built copy of the bundled
// allocator: the Profile CodeLens records the benchmark with perf under the
// profiling build of the allocator and opens the flamegraph; from a frame
// (Ctrl+click in the sandwich view, or G on the keyboard-selected frame in the
// flamegraph) the editor jumps to the function's definition, which then
// carries the profile's CodeLens.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { waitForCursor, waitForPage } from './harness/benchUi';
import { builtAllocatorWorkspace } from './harness/benchWorkspace';
import { prepare, withVSCode } from './harness/session';
import { UI_TIMEOUT } from './harness/workbench';
import { lineOf, type Workspace } from './harness/workspace';

/** larson's quick run lasts a second: hundreds of cpu-clock samples, most in the allocator. */
const BENCHMARK = 'larson';
const HOT_FUNCTION = 'hak_alloc';
const DEFINITION_FILE = 'src/hakmem_api.c';
const DEFINITION_TEXT = 'void *hak_alloc(size_t size) {';
const PERF = '/usr/bin/perf';
/** perf record + perf script + folding, on a loaded 2-core machine. */
const PROFILE_TIMEOUT = 90_000;
const CASE_TIMEOUT = 180_000;
/** Keyboard steps allowed when walking the flamegraph to the hot function. */
const MAX_STEPS = 200;
const MIN_SAMPLES = 50;
/** Height of a frame row in the page's graphs (media/src/flame/flameCanvas.ts ROW_HEIGHT). */
const ROW_HEIGHT = 18;

let workspace: Workspace;

before(
  async () => {
    if (!existsSync(PERF)) throw new Error(`${PERF} not found: install the Debian package "linux-perf"`);
    await prepare();
    workspace = builtAllocatorWorkspace();
  },
  { timeout: 20 * 60_000 },
);

after(() => workspace?.remove());

/**
 * A point on the row of `canvas` whose frame is `target`: the sandwich's callees
 * graph is an icicle whose top rows (the root, then the function) span its full
 * width, so the middle of each row is read by hovering, as a user reads tooltips.
 */
async function rowNamed(frame: FrameLocator, canvas: Locator, target: string): Promise<{ x: number; y: number }> {
  const box = await canvas.boundingBox();
  if (!box || box.width === 0) throw new Error('the graph is not drawn');
  const seen: string[] = [];
  for (let y = ROW_HEIGHT / 2; y < Math.min(box.height, ROW_HEIGHT * 6); y += ROW_HEIGHT) {
    const point = { x: Math.round(box.width / 2), y: Math.round(y) };
    await canvas.hover({ position: point });
    const name = await tooltipName(frame);
    if (name === target) return point;
    seen.push(name);
  }
  throw new Error(`no row named ${target} in the graph (rows: ${seen.join(', ')})`);
}

/** The name of the frame the keyboard selection is on: the page shows it in its tooltip. */
async function tooltipName(frame: FrameLocator): Promise<string> {
  return ((await frame.locator('#tooltip .name').textContent({ timeout: UI_TIMEOUT })) ?? '').trim();
}

/**
 * Walks the flamegraph with the arrow keys (Up: first callee, Right: next sibling,
 * Down: caller), depth first up to `maxDepth`, until the selected frame is `target`.
 * A key that leads nowhere leaves the selection, and so the tooltip, as it was
 * (siblings never share a name: the call tree merges them).
 */
async function selectFrameByKeyboard(frame: FrameLocator, target: string, maxDepth: number): Promise<void> {
  const canvas = frame.locator('#graph-canvas');
  let steps = 0;
  const press = async (key: string): Promise<string> => {
    if (++steps > MAX_STEPS) throw new Error(`no frame named ${target} within ${MAX_STEPS} key presses`);
    await canvas.press(key);
    return tooltipName(frame);
  };
  // From the root (nothing selected yet): its first callee.
  let name = await press('ArrowUp');
  let depth = 1;
  for (;;) {
    if (name === target) return;
    if (depth < maxDepth) {
      const child = await press('ArrowUp');
      if (child !== name) {
        depth++;
        name = child;
        continue;
      }
    }
    // No deeper: the next sibling, else climb until a level has one.
    for (;;) {
      const sibling = await press('ArrowRight');
      if (sibling !== name) {
        name = sibling;
        break;
      }
      if (depth === 1) throw new Error(`no frame named ${target} within depth ${maxDepth}`);
      name = await press('ArrowDown');
      depth--;
    }
  }
}

test(
  "Profile from the CodeLens opens the flamegraph, and a frame opens its function's definition",
  { timeout: CASE_TIMEOUT },
  async (t) => {
    await withVSCode(t, { folder: workspace.root }, async ({ workbench }) => {
      const source = `bench/bench_${BENCHMARK}.c`;
      await workbench.openFile(source);
      // Lenses render with their line: bring main into view.
      await workbench.gotoLine(lineOf(workspace.path(source), 'int main('));
      const profile = workbench.codeLens('Profile');
      await profile.first().waitFor({ timeout: UI_TIMEOUT });
      await profile.first().click();

      const frame = await workbench.webview(`Flamegraph: ${BENCHMARK}`);
      await waitForPage(frame, 'body[data-loaded="true"]', PROFILE_TIMEOUT);
      // The panel names what was recorded: the benchmark, the allocator build and the tool.
      await workbench.page
        .locator(`.tabs-container .tab[aria-label*="Flamegraph: ${BENCHMARK} under hakmem-prof (perf)"]`)
        .waitFor({ timeout: UI_TIMEOUT });
      // A one-second run at perf's 999 Hz: hundreds of samples (a few dozen at least on a busy machine).
      const samples = /([\d,]+) samples/.exec((await frame.locator('#legend').textContent()) ?? '');
      assert.ok(samples && Number(samples[1]!.replace(/,/g, '')) >= MIN_SAMPLES, `legend: ${samples?.[0]}`);

      // The hotspot table lists the allocator's entry with a real share of the samples.
      await frame.locator('#view-table').click();
      const row = frame.locator('#hotspots tbody tr', { has: frame.locator('td.name', { hasText: new RegExp(`^${HOT_FUNCTION}$`) }) });
      await row.waitFor({ timeout: UI_TIMEOUT });
      const selfPct = Number(await row.locator('td').nth(2).textContent());
      assert.ok(selfPct > 0, `${HOT_FUNCTION} self share ${selfPct}%`);

      // A click picks it for the sandwich view; Ctrl+click on its frame there opens the definition.
      await row.click();
      await frame
        .locator('#sandwich-title')
        .filter({ hasText: new RegExp(`^${HOT_FUNCTION} — `) })
        .waitFor({ timeout: UI_TIMEOUT });
      const callees = frame.locator('#sandwich-callees');
      const calleeRow = await rowNamed(frame, callees, HOT_FUNCTION);
      await callees.click({ position: calleeRow, modifiers: ['Control'] });
      const definitionLine = lineOf(workspace.path(DEFINITION_FILE), DEFINITION_TEXT);
      await waitForCursor(workbench, 'hakmem_api.c', definitionLine);

      // The profile's share shows over the function it measured.
      const lens = workbench
        .activeEditor()
        .locator('.contentWidgets .codelens-decoration a', { hasText: /% self · .*% total \(latest profile\)/ });
      await lens.first().waitFor({ timeout: UI_TIMEOUT });

      // Keyboard: move the cursor away, then in the flamegraph walk to the function and press G.
      await workbench.gotoLine(1);
      await waitForCursor(workbench, 'hakmem_api.c', 1);
      await frame.locator('#view-flame').click();
      await selectFrameByKeyboard(frame, HOT_FUNCTION, 3);
      await frame.locator('#graph-canvas').press('g');
      await waitForCursor(workbench, 'hakmem_api.c', definitionLine);
    });
  },
);

// Workbench parts the benchmark and profile cases drive: the "HAKMEM Benchmarks"
// explorer view, the multi-select quick pick, the cursor position and the
// active editor's tab. Waits are locator waits, never fixed sleeps.
import type { FrameLocator, Locator } from 'playwright-core';
import { UI_TIMEOUT, type Workbench } from './workbench';

/** Monaco renders spaces as no-break spaces. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ').trim();
}

const VIEW_TITLE = 'HAKMEM Benchmarks';

/** The explorer view pane of the extension's Benchmarks view. */
function benchmarksPane(workbench: Workbench): Locator {
  return workbench.page.locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: VIEW_TITLE }) });
}

/** Shows the explorer (an empty window starts with the side bar closed). */
export async function showExplorer(workbench: Workbench): Promise<void> {
  const header = benchmarksPane(workbench).locator('.pane-header').first();
  if (await header.isVisible()) return;
  await workbench.focusWorkbench();
  await workbench.page.keyboard.press('Control+Shift+E');
  await header.waitFor({ timeout: UI_TIMEOUT });
}

/** A button of the Benchmarks view's welcome content (shown while the view has nothing to list), the view expanded. */
export async function benchmarksWelcomeButton(workbench: Workbench, label: string): Promise<Locator> {
  await showExplorer(workbench);
  const pane = benchmarksPane(workbench);
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  const button = pane.locator('.welcome-view-content .monaco-button', { hasText: label }).first();
  await button.waitFor({ timeout: UI_TIMEOUT });
  return button;
}

/** Expands the Benchmarks view in the explorer (it starts collapsed below the folder tree) and returns its rows. */
export async function showBenchmarksView(workbench: Workbench): Promise<Locator> {
  const pane = benchmarksPane(workbench);
  const header = pane.locator('.pane-header').first();
  await header.waitFor({ timeout: UI_TIMEOUT });
  // The folder tree takes the explorer's height; collapsed, it leaves the view room for all its rows.
  const folders = workbench.page.locator('.pane', { has: workbench.page.locator('.explorer-folders-view') });
  if (await folders.isVisible()) {
    await folders.locator('.pane-header').first().click();
    await workbench.page.locator('.explorer-folders-view').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  const rows = pane.locator('.monaco-list-row');
  await rows.first().waitFor({ timeout: UI_TIMEOUT });
  return rows;
}

/** A row of the Benchmarks view by its label (benchmark or allocator name, or "Allocators"). */
export function benchmarksViewRow(workbench: Workbench, label: string): Locator {
  return benchmarksPane(workbench)
    .locator('.monaco-list-row')
    .filter({ has: workbench.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
}

/** Labels and descriptions of the Benchmarks view's rows, top to bottom. */
export async function benchmarksViewEntries(workbench: Workbench): Promise<Array<{ label: string; description: string }>> {
  const rows = await showBenchmarksView(workbench);
  const entries = await rows.evaluateAll((nodes) =>
    nodes.map((n) => ({
      label: n.querySelector('.label-name')?.textContent ?? '',
      description: n.querySelector('.label-description')?.textContent ?? '',
    })),
  );
  return entries.map((e) => ({ label: plain(e.label), description: plain(e.description) }));
}

/** Clicks an inline action (e.g. "Compare Allocators") of a Benchmarks view row; inline actions show on hover. */
export async function runRowAction(workbench: Workbench, label: string, action: string): Promise<void> {
  const row = benchmarksViewRow(workbench, label).first();
  await row.hover();
  const button = row.locator(`.actions .action-label[aria-label^="${action}"]`).first();
  await button.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await button.click();
}

/** The open quick pick's rows, with whether each is checked (multi-select pickers). */
export async function quickPickItems(workbench: Workbench): Promise<Array<{ label: string; checked: boolean }>> {
  const rows = workbench.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: UI_TIMEOUT });
  const items = await rows.evaluateAll((nodes) =>
    nodes.map((n) => {
      const box = n.querySelector('input[type="checkbox"], .quick-input-list-checkbox, .monaco-checkbox, [role="checkbox"]');
      const checked =
        n.getAttribute('aria-checked') === 'true' ||
        (box instanceof HTMLInputElement
          ? box.checked
          : box?.getAttribute('aria-checked') === 'true' || box?.classList.contains('checked') === true);
      return { label: n.querySelector('.label-name')?.textContent ?? '', checked };
    }),
  );
  return items.map((i) => ({ label: plain(i.label), checked: i.checked }));
}

/** Accepts the open quick pick (Enter in its input) and waits for it to close. */
export async function acceptQuickPick(workbench: Workbench): Promise<void> {
  const widget = workbench.page.locator('.quick-input-widget');
  // Until the picker is up, Enter would go to whatever had focus before.
  await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: UI_TIMEOUT });
  await widget.locator('input.input').press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

/** Waits until the active editor is `fileName` with the cursor on 1-based `line` (read from the status bar). */
export async function waitForCursor(workbench: Workbench, fileName: string, line: number): Promise<void> {
  await workbench.page.locator(`.tabs-container .tab.active[aria-label*="${fileName}"]`).waitFor({ timeout: UI_TIMEOUT });
  const at = workbench.statusBarItem(new RegExp(`Ln ${line}, Col \\d+`)).first();
  try {
    await at.waitFor({ timeout: UI_TIMEOUT });
  } catch (e) {
    const shown = await workbench
      .statusBarItem(/Ln \d+, Col \d+/)
      .first()
      .textContent()
      .catch(() => 'no position');
    throw new Error(`expected the cursor in ${fileName} at line ${line}, the status bar shows "${shown}"`, { cause: e });
  }
}

/** The webview frame once its page says it has rendered (results: aria-busy false; flamegraph: data-loaded). */
export async function waitForPage(frame: FrameLocator, readySelector: string, timeout: number): Promise<void> {
  await frame.locator(readySelector).first().waitFor({ state: 'attached', timeout });
}

/** What the results page and the status bar say for each decision of the sequential design, against `baseline` ("glibc", "hakmem at 1a2b3c4d"). */
export function verdictWords(decision: string, baseline: string): { change: RegExp; against: RegExp; status: string } {
  switch (decision) {
    case 'equivalent':
      return { change: /^equivalent within ±\d+(\.\d)?%$/, against: new RegExp(`^to ${baseline}$`), status: 'equivalent within ±' };
    case 'undecided':
      return { change: /^undecided after \d+ runs?$/, against: new RegExp(`^vs ${baseline}$`), status: 'no decided change' };
    case 'faster':
    case 'slower':
      return {
        change: new RegExp(`^\\d+\\.\\d+× ${decision}$`),
        against: new RegExp(`^than ${baseline}$`),
        status: `hakmem \\d+\\.\\d+× ${decision} than ${baseline}`,
      };
    default:
      throw new Error(`not a decision: "${decision}"`);
  }
}

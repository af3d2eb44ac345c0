// Workbench parts the navigation cases drive: moving the cursor to a line and
// column, and the call hierarchy as the References view (built into VS Code)
// shows it. Waits are locator waits, never fixed sleeps.
import type { Locator } from 'playwright-core';
import { UI_TIMEOUT, type Workbench } from './workbench';

/** Monaco renders spaces as no-break spaces. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ').trim();
}

/** Puts the cursor at a 1-based line and column of the active editor (Go to Line takes `:line:column`). */
export async function gotoPosition(workbench: Workbench, line: number, column: number): Promise<void> {
  const page = workbench.page;
  await workbench.activeEditor().locator('.view-lines').click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
}

/** The rows of the References view (call hierarchy, reference search results) in the side bar. */
function referencesRows(workbench: Workbench): Locator {
  return workbench.page.locator('.part.sidebar .monaco-list-row');
}

/** A row of the References view by its label (a function's name). */
export function referencesRow(workbench: Workbench, label: string): Locator {
  return referencesRows(workbench).filter({ has: workbench.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
}

/** Labels of the References view's rows, top to bottom, once the row `waitFor` is shown. */
export async function referencesLabels(workbench: Workbench, waitFor: string): Promise<string[]> {
  await referencesRow(workbench, waitFor).first().waitFor({ timeout: UI_TIMEOUT });
  const labels = await referencesRows(workbench).evaluateAll((rows) => rows.map((r) => r.querySelector('.label-name')?.textContent ?? ''));
  return labels.map(plain);
}

/** The title the References view shows for a call hierarchy ("Callers Of", "Calls From"). */
export function referencesTitle(workbench: Workbench, title: string): Locator {
  return workbench.page.locator('.part.sidebar .title-label, .part.sidebar .pane-header .title', { hasText: title }).first();
}

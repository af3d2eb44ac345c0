// The VS Code workbench as a user drives it: keyboard shortcuts, quick input,
// editor, Problems panel, status bar, webviews. Every wait is a locator wait
// with a timeout, never a fixed sleep.
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** How long a user-visible reaction may take on a loaded 2-core machine. */
export const UI_TIMEOUT = 30_000;

export interface ProblemEntry {
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  source: string;
  code: string;
  /** The entry's children in the Problems tree: related information such as the call chain. */
  related: string[];
}

const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor';
/** Monaco's decoration for diagnostics tagged Unnecessary (rendered faded). */
const FADED = '.squiggly-inline-unnecessary';

/** Monaco renders spaces as no-break spaces. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

export class Workbench {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.openEmpty(url);
    await this.folderShown();
  }

  /** Opens the workbench with no folder. */
  async openEmpty(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  }

  /** Waits until the explorer lists a folder: the workspace is then ready for file search (also after the window opened one). */
  async folderShown(): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private async quickInputType(shortcut: string, text: string): Promise<Locator> {
    await this.page.keyboard.press(shortcut);
    const input = this.quickInput().locator('input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await input.fill(text);
    return input;
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor to be active. */
  async openFile(relPath: string): Promise<void> {
    const name = relPath.split('/').pop() ?? relPath;
    await this.focusWorkbench();
    await this.quickInputType('Control+P', relPath);
    const row = this.quickInput().locator('.monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    await row.click();
    await this.page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout: UI_TIMEOUT });
    await this.activeEditor().locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
  }

  /** Clicks somewhere neutral so keyboard shortcuts reach the workbench. */
  async focusWorkbench(): Promise<void> {
    await this.page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } });
  }

  activeEditor(): Locator {
    return this.page.locator(ACTIVE_EDITOR).first();
  }

  /** Moves the cursor to the first non-blank column of a 1-based line. */
  async gotoLine(line: number): Promise<void> {
    await this.activeEditor().locator('.view-lines').click();
    await this.quickInputType('Control+G', `:${line}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    await this.page.keyboard.press('Home');
  }

  /**
   * Waits until the rendered text of the active editor matches `pattern` and returns it. An edit
   * applied from a lightbulb or a command reaches the buffer asynchronously (the code action may be
   * resolved by the server first), so reading the text once right after the click races it.
   */
  async waitForEditorText(pattern: RegExp, timeout = UI_TIMEOUT): Promise<string> {
    const handle = await this.page.waitForFunction(
      ({ selector, source, flags }) => {
        const nodes = Array.from(document.querySelectorAll(`${selector} .view-lines .view-line`)) as HTMLElement[];
        const text = nodes
          .map((n) => ({ top: parseFloat(n.style.top || '0'), text: n.textContent ?? '' }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text)
          .join('\n')
          .replace(/\u00a0/g, ' ');
        return new RegExp(source, flags).test(text) ? text : false;
      },
      { selector: ACTIVE_EDITOR, source: pattern.source, flags: pattern.flags },
      { timeout },
    );
    return (await handle.jsonValue()) as string;
  }

  /** Replaces the whole buffer of the active editor with `text` and saves it. */
  async replaceEditorText(text: string): Promise<void> {
    await this.activeEditor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(text);
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }

  /** Warning/error squiggles in the active editor. */
  squiggles(): Locator {
    return this.activeEditor().locator('.squiggly-error, .squiggly-warning');
  }

  /** Faded ("unnecessary") text in the active editor, in the rendered lines. */
  fadedRanges(): Locator {
    return this.activeEditor().locator(FADED);
  }

  /** A rendered line of the active editor containing `text` (lines render only when scrolled into view). */
  line(text: string): Locator {
    return this.activeEditor().locator('.view-lines .view-line', { hasText: text });
  }

  /** The rendered line containing `text`, if it is faded. */
  fadedLine(text: string): Locator {
    return this.line(text).filter({ has: this.page.locator(FADED) });
  }

  /** Shows the Problems panel (Ctrl+Shift+M toggles, so only press it when hidden). */
  async showProblems(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.focusWorkbench();
      await this.page.keyboard.press('Control+Shift+M');
    }
    await panel.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    return panel;
  }

  /** Problems rows for diagnostics from `source` with rule `code` (shown as "source(code)"). */
  problemRows(source: string, code: string): Locator {
    return this.page
      .locator('.markers-panel .monaco-list-row')
      .filter({ has: this.page.locator('.marker-source', { hasText: new RegExp(`^${source}$`) }) })
      .filter({ has: this.page.locator('.marker-code', { hasText: new RegExp(`^${code}$`) }) });
  }

  /** The first Problems entry from `source` with rule `code`, with its related information. */
  async problem(source: string, code: string): Promise<ProblemEntry> {
    await this.showProblems();
    const row = this.problemRows(source, code).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    const id = await row.getAttribute('id');
    // Related information rows follow their marker in the flat list, one tree level deeper.
    const found = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows, rowId) => {
      const start = rows.findIndex((r) => r.id === rowId);
      const marker = rows[start];
      if (!marker) return undefined;
      const text = (el: Element, sel: string) => el.querySelector(sel)?.textContent ?? '';
      const level = Number(marker.getAttribute('aria-level') ?? '0');
      const related: string[] = [];
      for (let i = start + 1; i < rows.length; i++) {
        const row = rows[i]!;
        if (Number(row.getAttribute('aria-level') ?? '0') <= level) break;
        related.push(`${text(row, '.related-info-resource')}${text(row, '.marker-line')}: ${text(row, '.marker-description')}`);
      }
      const icon = marker.querySelector('.marker-icon');
      const severity = (['error', 'warning', 'info'] as const).find((s) => icon?.classList.contains(s)) ?? 'unknown';
      return {
        severity,
        message: text(marker, '.marker-message'),
        source: text(marker, '.marker-source'),
        code: text(marker, '.marker-code'),
        related,
      };
    }, id);
    if (!found) throw new Error(`Problems entry ${source}(${code}) disappeared while reading it`);
    return {
      ...found,
      severity: found.severity as ProblemEntry['severity'],
      message: plain(found.message),
      related: found.related.map(plain),
    };
  }

  /** Opens the code-action menu from the lightbulb at the cursor and applies the action titled `title`. */
  async applyLightbulbFix(title: string): Promise<void> {
    const bulb = this.activeEditor().locator('.lightBulbWidget');
    await bulb.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await bulb.click();
    const item = this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    await item.waitFor({ timeout: UI_TIMEOUT });
    await item.click();
    await item.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** Titles the command palette offers for `query` (empty when none match). */
  async paletteEntries(query: string): Promise<string[]> {
    await this.focusWorkbench();
    await this.quickInputType('Control+Shift+P', `>${query}`);
    const list = this.quickInput().locator('.quick-input-list');
    // Wait until the list has settled on this query: rows or the "no matching" message.
    await this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row, .quick-input-widget .quick-input-message:has-text("No matching")')
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    const labels = await list.locator('.monaco-list-row .label-name').allTextContents();
    await this.closeQuickInput();
    return labels.map(plain);
  }

  /** Runs a command by its palette title. */
  async runCommand(title: string): Promise<void> {
    await this.focusWorkbench();
    await this.quickInputType('Control+Shift+P', `>${title}`);
    const row = this.quickInput().locator('.monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    await row.click();
  }

  /**
   * Answers a folder dialog (showOpenDialog with canSelectFolders). code-server's
   * dialog is a quick input holding a path: the folder is typed, Enter accepts it.
   */
  async chooseFolder(folder: string): Promise<void> {
    const input = this.quickInput().locator('input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await input.fill(folder.endsWith('/') ? folder : `${folder}/`);
    // The dialog lists the folder's contents once it has read the typed path; Enter before that may act on the old one.
    await this.quickInput()
      .locator('.quick-input-list .monaco-list-row, .quick-input-message')
      .first()
      .waitFor({ timeout: UI_TIMEOUT })
      .catch(() => undefined);
    await input.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** A notification toast whose text contains `needle`. */
  notification(needle: string | RegExp): Locator {
    return this.page.locator('.notification-toast', { hasText: needle });
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  /** Whether the workbench shows Restricted Mode (an untrusted folder). */
  restrictedModeIndicator(): Locator {
    return this.statusBarItem('Restricted Mode');
  }

  // Extension points for the benchmark, profile and pointer-kind cases.

  /** A CodeLens in the active editor, e.g. "Run" above a benchmark. */
  codeLens(title: string): Locator {
    return this.activeEditor().locator('.contentWidgets .codelens-decoration a', { hasText: title });
  }

  /** The content frame of the webview panel whose tab title contains `title` (results, flamegraph). */
  async webview(title: string): Promise<FrameLocator> {
    await this.page.locator(`.tabs-container .tab[aria-label*="${title}"]`).waitFor({ timeout: UI_TIMEOUT });
    // VS Code hosts a webview in an outer iframe, the extension's HTML in an inner one.
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /**
   * Inlay hints rendered in the active editor (e.g. USER/BASE kinds). Monaco draws
   * them as injected text styled by generated `dyn-rule-*` classes; with suggestions
   * and ghost text off (the harness settings), nothing else injects text.
   */
  inlayHints(): Locator {
    return this.activeEditor().locator('.view-lines span[class*="dyn-rule-"]');
  }
}

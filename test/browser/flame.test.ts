import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { selfContainedFlamePage } from '../../server/src/pages/standalone';
import { serialiseModel } from '../../server/src/profile/serialise';
import type { SerialisedProfile } from '../../server/src/profile/serialise';
import { HOSTILE, SCRIPT_BREAKER, syntheticProfile } from './flameFixtures';
import { launchChromium, serveFlamePage, VSCODE_API_SHIM } from './flamePage';

const model = syntheticProfile(200_000);
const data: SerialisedProfile = serialiseModel(model, 'synthetic');

/** Share of the total under needle_* frames, computed here from the model (outermost matches only). */
function needleShare(): number {
  const isNeedle = (n: number): boolean =>
    model.nodeFunc[n]! >= 0 && model.strings[model.funcName[model.nodeFunc[n]!]!]!.startsWith('needle_');
  let sum = 0;
  for (let n = 1; n < model.nodeParent.length; n++) {
    if (!isNeedle(n)) continue;
    let p = model.nodeParent[n]!;
    while (p > 0 && !isNeedle(p)) p = model.nodeParent[p]!;
    if (p <= 0) sum += model.nodeTotal[n]!;
  }
  return (100 * sum) / model.nodeTotal[0]!;
}

/** Pixels of the main canvas with the search highlight colour, and a cheap fingerprint of the drawing. */
async function canvasStats(page: Page): Promise<{ magenta: number; fingerprint: number; painted: number }> {
  return page.evaluate(() => {
    const c = document.getElementById('graph-canvas') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let magenta = 0;
    let painted = 0;
    let fingerprint = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 0) painted++;
      if (d[i] === 230 && d[i + 1] === 0 && d[i + 2] === 230) magenta++;
      fingerprint = (fingerprint * 31 + d[i]! + d[i + 1]! * 7 + d[i + 2]! * 13) % 1000000007;
    }
    return { magenta, fingerprint, painted };
  });
}

describe('flamegraph page in headless Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveFlamePage>>;
  const tmp = mkdtempSync(join(tmpdir(), 'hakmem-flame-'));

  before(async () => {
    browser = await launchChromium();
    server = await serveFlamePage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function openWithProfile(initialState?: unknown): Promise<{ page: Page; dialogs: string[]; violations: () => Promise<string[]> }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.addInitScript(`window.__initialState = ${JSON.stringify(initialState ?? null) || 'null'};` + VSCODE_API_SHIM);
    await page.addInitScript(() => {
      (window as unknown as { __violations: string[] }).__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __violations: string[] }).__violations.push(e.violatedDirective),
      );
    });
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    await page.evaluate((model) => window.postMessage({ type: 'profile', model }, '*'), data);
    await page.waitForFunction(() => document.body.dataset.loaded === 'true');
    return { page, dialogs, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
  }

  it('renders a 200,000-node profile sent by postMessage', async () => {
    assert.ok(model.nodeParent.length >= 200_000);
    const { page } = await openWithProfile();
    const drawn = Number(await page.getAttribute('#graph-canvas', 'data-frames-drawn'));
    assert.ok(drawn > 50, `frames drawn: ${drawn}`);
    const stats = await canvasStats(page);
    assert.ok(stats.painted > 10_000, 'the canvas has content');
    assert.equal(stats.magenta, 0, 'nothing is highlighted before a search');
    await page.close();
  });

  it('highlights search matches and reports their share of the total', async () => {
    const { page } = await openWithProfile();
    await page.fill('#search', 'needle_');
    await page.waitForFunction(() => (document.getElementById('match')!.textContent ?? '').startsWith('Matched'));
    const share = Number(await page.getAttribute('#match', 'data-share'));
    assert.ok(Math.abs(share - needleShare()) < 1e-6, `page says ${share}, model says ${needleShare()}`);
    assert.match((await page.textContent('#match'))!, new RegExp(`${needleShare().toFixed(2)}%`));
    await page.waitForFunction(() => true);
    const stats = await canvasStats(page);
    assert.ok(stats.magenta > 0, 'matching frames are drawn in the highlight colour');
    await page.close();
  });

  it('zooms on click, shows the path as a breadcrumb, and zooms out with Escape', async () => {
    const { page } = await openWithProfile();
    const before = await canvasStats(page);
    const drawnBefore = await page.getAttribute('#graph-canvas', 'data-frames-drawn');
    // The root row is at the bottom of the flamegraph; the row above it holds the root's children.
    const box = (await page.locator('#graph-canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.9, box.y + box.height - 18 - 9);
    await page.waitForFunction(() => document.querySelectorAll('#crumbs button').length === 2);
    const crumb = await page.locator('#crumbs button').nth(1).textContent();
    assert.notEqual(crumb, 'all');
    const zoomed = await canvasStats(page);
    assert.notEqual(zoomed.fingerprint, before.fingerprint, 'the drawing changes');
    const state = await page.evaluate(() => (window as unknown as { __state: { zoomPath: string[] } }).__state);
    assert.deepEqual(state.zoomPath, [crumb]);
    await page.focus('#graph-canvas');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelectorAll('#crumbs button').length === 1);
    assert.equal(await page.getAttribute('#graph-canvas', 'data-frames-drawn'), drawnBefore, 'zooming out restores the view');
    assert.notEqual((await canvasStats(page)).fingerprint, zoomed.fingerprint);
    await page.close();
  });

  it('moves through frames with the keyboard and opens the definition', async () => {
    const { page } = await openWithProfile();
    await page.focus('#graph-canvas');
    await page.keyboard.press('ArrowUp'); // from the root to its heaviest child
    await page.keyboard.press('g');
    const posted = await page.evaluate(() => (window as unknown as { __posted: { type: string; name?: string }[] }).__posted);
    const open = posted.find((m) => m.type === 'openFunction');
    assert.equal(open?.name, HOSTILE, 'the heaviest root child is the wide hostile frame');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#crumbs button').length === 2);
    await page.close();
  });

  it('restores zoom, search and view from the saved state', async () => {
    const { page } = await openWithProfile({ view: 'icicle', search: 'needle_', zoomPath: [HOSTILE] });
    assert.equal(await page.inputValue('#search'), 'needle_');
    assert.equal(await page.getAttribute('#view-icicle', 'aria-pressed'), 'true');
    assert.equal(await page.locator('#crumbs button').nth(1).textContent(), HOSTILE);
    await page.close();
  });

  it('shows hostile function names as text in the table, breadcrumb and tooltip', async () => {
    const { page, dialogs, violations } = await openWithProfile();
    await page.click('#view-table');
    const cell = page.locator('#hotspots td.name', { hasText: 'onerror' }).first();
    assert.equal(await cell.textContent(), HOSTILE);
    const breaker = page.locator('#hotspots td.name', { hasText: 'pwned' }).first();
    assert.equal(await breaker.textContent(), SCRIPT_BREAKER);
    await page.click('#view-flame');
    const box = (await page.locator('#graph-canvas').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height - 27);
    await page.waitForSelector('#tooltip:not([hidden])');
    assert.equal(await page.textContent('#tooltip .name'), HOSTILE);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(dialogs, []);
    assert.notEqual(await page.title(), 'pwned');
    assert.deepEqual(await violations(), []);
    await page.close();
  });

  it('does not run a script without the nonce', async () => {
    const { page, violations } = await openWithProfile();
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true;';
      document.body.appendChild(s);
      const img = document.createElement('img');
      img.src = 'https://example.invalid/x.png';
      document.body.appendChild(img);
    });
    await page.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.length >= 2);
    assert.equal(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined);
    const seen = await violations();
    assert.ok(
      seen.some((v) => v.startsWith('script-src')),
      `violations: ${seen.join(', ')}`,
    );
    assert.ok(
      seen.some((v) => v.startsWith('img-src')),
      `violations: ${seen.join(', ')}`,
    );
    await page.close();
  });

  it('shows the sandwich of a function picked in the hotspot table', async () => {
    const { page } = await openWithProfile();
    await page.click('#view-table');
    await page.locator('#hotspots td.name', { hasText: 'needle_alloc' }).first().click();
    await page.waitForSelector('#sandwich:not([hidden])');
    assert.match((await page.textContent('#sandwich-title'))!, /^needle_alloc — \d+\.\d\d% of total$/);
    const drawn = await page.evaluate(() => [
      Number((document.getElementById('sandwich-callers') as HTMLCanvasElement).dataset.framesDrawn),
      Number((document.getElementById('sandwich-callees') as HTMLCanvasElement).dataset.framesDrawn),
    ]);
    assert.ok(drawn[0]! > 1 && drawn[1]! >= 1, `sandwich frames: ${drawn.join(', ')}`);
    await page.close();
  });

  it('works as a self-contained file page with the profile embedded', async () => {
    const file = join(tmp, 'page.html');
    writeFileSync(
      file,
      selfContainedFlamePage(serialiseModel(syntheticProfile(5000, 7), 'standalone'), { nonce: 'bm9uY2Utc3RhbmRhbG9uZQ==' }),
    );
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => document.body.dataset.loaded === 'true');
    assert.equal(await page.title(), 'standalone');
    assert.ok(Number(await page.getAttribute('#graph-canvas', 'data-frames-drawn')) > 10);
    assert.deepEqual(dialogs, []);
    await page.close();
  });
});

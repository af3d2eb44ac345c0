// The results page in headless Chromium, loading the same HTML the extension
// serves, fed saved benchmark records through postMessage as the host does.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../util/chromium';
import { readHistory, appendHistory } from '../../server/src/bench/history';
import { resultsPageHtml } from '../../server/src/pages/resultsPage';
import { inlineBundle } from '../../server/src/pages/standalone';
import type { ResultsMessage } from '../../server/src/protocol/resultsPage';
import { runSuite } from '../../server/src/bench/runner';
import { resultsMessage } from '../../server/src/bench/view';
import { buildFixture, fixtureSpec, tempDir } from '../bench-engine/support';

const EVIL = '<script>alert(1)</script>';
const dir = tempDir('results-page');
let browser: Browser;
let message: ResultsMessage;
let pageFile: string;

before(async () => {
  const ok = buildFixture('ok', dir);
  // Two runs on different "commits" would need git; the trend shows every saved run.
  const root = join(dir, 'ws');
  const spec = fixtureSpec(EVIL, ok, ['20000']);
  const first = await runSuite({
    benchmark: spec,
    allocators: ['system', 'jemalloc'],
    runs: 5,
    warmup: 1,
    timeoutMs: 20_000,
    envMatrix: { HAKMEM_EVIL: ['<img src=x onerror=alert(2)>'] },
    root,
    appendHistory: true,
    signal: new AbortController().signal,
  });
  assert.equal(first.ok, true, JSON.stringify(first.failures));
  // The page is fed what was saved: read the records back from the history file.
  const saved = readHistory(root).records;
  assert.equal(saved.length, 2);
  appendHistory(
    root,
    saved.map((r) => ({ ...r, id: `${r.id}-later`, time: new Date(Date.parse(r.time) + 60_000).toISOString() })),
  );
  const history = readHistory(root).records;
  message = resultsMessage({ ...first, records: history.slice(-2) }, history, true);

  const nonce = randomBytes(16).toString('base64');
  pageFile = join(dir, 'results.html');
  writeFileSync(pageFile, resultsPageHtml({ nonce, cspSource: '', script: inlineBundle('results.js') }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Loaded {
  page: Page;
  dialogs: string[];
  problems: string[];
}

async function load(width: number): Promise<Loaded> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  // Stands in for the webview host's API: records what the page posts.
  await page.addInitScript(() => {
    const sent: unknown[] = [];
    (window as unknown as { __sent: unknown[] }).__sent = sent;
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage: (m: unknown) => sent.push(m) });
  });
  await page.goto(`file://${pageFile}`);
  await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'));
  await page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  await page.waitForSelector('#bars svg');
  return { page, dialogs, problems };
}

describe('results page in Chromium', () => {
  it('draws bars, CI whiskers, the verdict and the trend', async () => {
    const { page, problems } = await load(900);
    assert.equal(await page.locator('#bars .bar').count(), 2);
    assert.ok((await page.locator('#bars .whisker').count()) >= 2);
    const whisker = page.locator('#bars .whisker').first();
    const [x1, x2] = [Number(await whisker.getAttribute('x1')), Number(await whisker.getAttribute('x2'))];
    assert.ok(x2 >= x1 && Number.isFinite(x1), 'the whisker spans the interval');
    assert.equal(await page.locator('#bars .sample').count(), 10);
    const verdict = await page.locator('#verdicts li').first().textContent();
    assert.match(verdict ?? '', /(faster|slower|equivalent|undecided)/);
    assert.match(verdict ?? '', /95% CI/);
    assert.match(verdict ?? '', /p = /);
    assert.equal(await page.locator('#trend .trend-line').count(), 2);
    assert.equal(await page.locator('#trend .trend-point').count(), 4);
    assert.equal(await page.locator('#summary-table tr').count(), 3);
    // How many runs were used, why the run stopped, how it was measured: under the verdicts.
    assert.match((await page.locator('#design').textContent()) ?? '', /runs used: 5 per series \(budget 5 runs\); .*A\/B back to back/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows a benchmark named <script>alert(1)</script> as text, and runs nothing', async () => {
    const { page, dialogs, problems } = await load(900);
    assert.equal(await page.locator('#title').textContent(), EVIL);
    assert.equal(await page.locator('script').count(), 1, 'only the page script exists');
    assert.equal(await page.locator('img').count(), 0, 'the knob value was not parsed as HTML');
    assert.match((await page.locator('#bars .bar-label').first().textContent()) ?? '', /<img src=x onerror=alert\(2\)>/);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('is usable from the keyboard and posts rerun / openSource to the host', async () => {
    const { page } = await load(900);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'rerun');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'open-source');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    assert.match(focused, /median .* ops\/s, 95% CI/);
    // A narrower panel redraws the bars; keyboard focus stays on the same series.
    const series = await page.evaluate(() => document.activeElement?.getAttribute('data-series'));
    await page.setViewportSize({ width: 500, height: 900 });
    await page.waitForFunction(() => Number(document.querySelector('#bars svg')?.getAttribute('width') ?? 900) < 500);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-series')), series);
    const sent = await page.evaluate(() => (window as unknown as { __sent: { type: string; allocators?: string[] }[] }).__sent);
    assert.deepEqual(
      sent.map((m) => m.type),
      ['ready', 'rerun', 'openSource'],
    );
    assert.deepEqual(sent[1]!.allocators, ['system', 'jemalloc']);
    await page.close();
  });

  it('fits a narrow panel', async () => {
    const { page } = await load(280);
    const widths = await page.evaluate(() => ({
      body: document.documentElement.scrollWidth,
      view: window.innerWidth,
      svgs: Array.from(document.querySelectorAll('svg'), (s) => s.getBoundingClientRect().right),
    }));
    assert.ok(widths.body <= widths.view, `page scrolls sideways: ${widths.body} > ${widths.view}`);
    for (const right of widths.svgs) assert.ok(right <= widths.view, `a chart overflows: ${right}`);
    await page.close();
  });

  it('shows failures with the signal, the stderr tail and a debug re-run button', async () => {
    const { page } = await load(600);
    const failing: ResultsMessage = {
      ...message,
      records: [],
      comparisons: [],
      trend: [],
      failures: [
        {
          label: 'hakmem',
          allocator: 'hakmem',
          kind: 'crash',
          message: 'crashed: killed by SIGSEGV (exit status 139)',
          signal: 'SIGSEGV',
          exitStatus: 139,
          stderrTail: '<b>free list corrupted</b>',
          stdoutTail: '',
          suggestion: 're-run with the debug build (hakmem-debug)',
          rerunWith: 'hakmem-debug',
        },
      ],
      missing: [
        {
          allocator: 'tcmalloc',
          library: 'libtcmalloc_minimal.so.4',
          debianPackage: 'libtcmalloc-minimal4',
          hint: 'tcmalloc is not installed: apt-get install libtcmalloc-minimal4',
        },
      ],
    };
    await page.evaluate((m) => window.postMessage(m, '*'), failing as unknown as Record<string, unknown>);
    await page.waitForSelector('#failures .failure');
    assert.match((await page.locator('#failures').textContent()) ?? '', /SIGSEGV.*139/);
    assert.equal(await page.locator('#failures pre').textContent(), '<b>free list corrupted</b>');
    assert.match((await page.locator('#missing').textContent()) ?? '', /apt-get install libtcmalloc-minimal4/);
    assert.equal(await page.locator('#bars-section').isHidden(), true);
    await page.locator('.rerun-debug').click();
    const last = await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent.at(-1));
    assert.deepEqual(last, { type: 'rerun', benchmark: EVIL, allocators: ['hakmem-debug'] });
    await page.close();
  });
});

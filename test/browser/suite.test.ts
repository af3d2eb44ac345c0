// The suite page in headless Chromium, loading the same HTML the extension
// serves, fed a suite report through postMessage as the host does (and the
// CLI's standalone page with the report inlined): tables and charts relative
// to the best per row, the means, failures, and names that stay text.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SuiteCell, SuiteReport } from '../../server/src/bench/suite/types';
import { inlineBundle } from '../../server/src/pages/standalone';
import { suitePageHtml } from '../../server/src/pages/suitePage';
import { standaloneSuitePage } from '../../server/src/pages/suiteStandalone';
import type { SuiteResultMessage } from '../../server/src/protocol/suitePage';
import { tempDir } from '../bench-engine/support';

const EVIL = '<img src=x onerror=alert(1)>';
const dir = tempDir('suite-page');
let browser: Browser;

function cell(allocator: string, relTime: number, relRss: number): SuiteCell {
  return {
    allocator,
    seconds: relTime,
    relTime,
    rssKb: 1000 * relRss,
    relRss,
    sysSeconds: 0.01,
    minorFaults: 1234,
    majorFaults: 0,
    runs: 3,
  };
}

const report: SuiteReport = {
  version: 1,
  time: '2026-01-01T00:00:00.000Z',
  quick: true,
  runs: 3,
  allocators: ['hakmem', 'system', EVIL],
  subject: 'hakmem',
  commit: 'abcdef0123456789',
  rows: [
    {
      workload: 'xmalloc',
      description: '',
      args: [],
      cells: [cell('hakmem', 1, 1.2), cell('system', 2.5, 1), cell(EVIL, 1.4, 1.1)],
      failures: [],
      verdicts: ['hakmem is 2.50× faster than glibc (…)'],
    },
    {
      workload: 'malloc_large',
      description: '',
      args: [],
      cells: [cell('hakmem', 1.1, 1), cell('system', 1, 1.3)],
      failures: [
        {
          label: EVIL,
          allocator: EVIL,
          kind: 'crash',
          message: 'crashed: killed by SIGSEGV (exit status 139)',
          signal: 'SIGSEGV',
          exitStatus: 139,
          stderrTail: EVIL,
          stdoutTail: '',
          suggestion: 'debug it',
        },
      ],
      verdicts: [],
    },
    { workload: 'program_gcc', description: '', args: [], cells: [], failures: [], verdicts: [], skipped: 'gcc is not installed' },
  ],
  means: [
    { allocator: 'hakmem', relTime: 1.049, relTimeCi: [1, 1.1], relRss: 1.095, rows: 2 },
    { allocator: 'system', relTime: 1.581, relTimeCi: [1, 2.5], relRss: 1.14, rows: 2 },
    { allocator: EVIL, relTime: 1.4, relTimeCi: [1.4, 1.4], relRss: 1.1, rows: 1 },
  ],
  missing: [
    {
      allocator: 'tcmalloc',
      library: 'libtcmalloc_minimal.so.4',
      debianPackage: 'libtcmalloc-minimal4',
      hint: 'apt-get install libtcmalloc-minimal4',
    },
  ],
  previous: {
    time: '2025-12-31T00:00:00.000Z',
    commit: '0123456789abcdef',
    ratio: 0.9,
    ci: [0.85, 0.95],
    verdict: 'faster',
    sentence: 'hakmem is 1.11× faster than in the previous suite run at 01234567 (…)',
  },
};
const message: SuiteResultMessage = {
  type: 'suite',
  report,
  history: [{ time: report.time, commit: report.commit, quick: true, means: report.means }],
};

before(async () => {
  writeFileSync(join(dir, 'webview.html'), suitePageHtml({ cspSource: '', script: inlineBundle('suite.js') }));
  writeFileSync(join(dir, 'standalone.html'), standaloneSuitePage(report, message.history));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(file: string, post: boolean): Promise<{ page: Page; problems: string[]; dialogs: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const sent: unknown[] = [];
    (window as unknown as { __sent: unknown[] }).__sent = sent;
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({ postMessage: (m: unknown) => sent.push(m) });
  });
  await page.goto(`file://${join(dir, file)}`);
  if (post) {
    await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'));
    await page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  }
  await page.waitForSelector('#time-chart svg');
  return { page, problems, dialogs };
}

for (const [file, post] of [
  ['webview.html', true],
  ['standalone.html', false],
] as const) {
  describe(`suite page (${file})`, () => {
    it('tables time and RSS relative to the best per row, marks the best, and says what failed', async () => {
      const { page, problems, dialogs } = await open(file, post);
      const rows = await page.$$eval('#time-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
      assert.deepEqual(rows[0], ['xmalloc', '1.00', '2.50', '1.40']);
      assert.deepEqual(rows[1], ['malloc_large', '1.10', '1.00', 'crash']);
      assert.deepEqual(rows[2], ['program_gcc', 'skipped: gcc is not installed']);
      assert.equal(await page.$eval('#time-table tbody tr:first-child td.best', (td) => td.textContent), '1.00');
      const rss = await page.$$eval('#rss-table tbody tr:first-child td', (tds) => tds.map((t) => t.textContent));
      assert.deepEqual(rss, ['1.20', '1.00', '1.10']);
      // Two measured rows × their cells: one bar each.
      assert.equal(await page.$$eval('#time-chart rect.bar', (r) => r.length), 5);
      const means = await page.$$eval('#means tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-allocator')));
      assert.deepEqual(means, ['hakmem', 'system', EVIL]);
      assert.match((await page.textContent('#previous')) ?? '', /1\.11× faster than in the previous suite run/);
      assert.match(
        (await page.textContent('#failures')) ?? '',
        /malloc_large · <img src=x onerror=alert\(1\)>: crashed: killed by SIGSEGV/,
      );
      assert.match((await page.textContent('#failures')) ?? '', /tcmalloc is not installed: apt-get install libtcmalloc-minimal4/);
      assert.equal(await page.$$eval('img', (i) => i.length), 0, 'names stay text');
      assert.deepEqual(dialogs, []);
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('asks the host to run the suite again with the same allocators', async () => {
      const { page } = await open(file, post);
      await page.focus('#rerun');
      await page.keyboard.press('Enter');
      const sent = await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent);
      assert.deepEqual(sent.at(-1), { type: 'rerun', allocators: ['hakmem', 'system', EVIL] });
      await page.close();
    });
  });
}

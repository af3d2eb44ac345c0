// Prints the profile engine's figures (not a test):
//  - perf script folding throughput and peak memory on generated 100 MB and 500 MB files
//    (each parsed in its own process, so peak RSS belongs to the parse alone);
//  - first paint of a 200,000-node profile and zoom time in headless Chromium.
// Run: node out/test/figures/profile.js [--mb 500] [--skip-browser]
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachLine } from '../../server/src/profile/lines';
import { PerfScriptParser } from '../../server/src/profile/perfScript';
import { serialiseModel } from '../../server/src/profile/serialise';
import { syntheticProfile } from '../browser/flameFixtures';
import { launchChromium, serveFlamePage, VSCODE_API_SHIM } from '../browser/flamePage';

/** Writes a perf script file of about `mb` megabytes: realistic frames, C++ names, kernel stacks. */
function generatePerfScript(path: string, mb: number): void {
  const fd = openSync(path, 'w');
  const symbols = Array.from({ length: 3000 }, (_, i) =>
    i % 10 === 0 ? `std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>(iter_${i})` : `hak_function_${i}`,
  );
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let written = 0;
  let t = 1000;
  const target = mb * 1024 * 1024;
  while (written < target) {
    let chunk = '';
    for (let s = 0; s < 500; s++) {
      t += 0.001;
      chunk += `bench_larson 4242/4243 [001] ${t.toFixed(6)}:    1001001 cpu-clock: \n`;
      if (random() < 0.1)
        chunk +=
          '\tffffffff821e8f67 clear_page_erms+0x7 ([kernel.kallsyms])\n\tffffffff81000c82 asm_exc_page_fault+0x22 ([kernel.kallsyms])\n';
      const depth = 8 + Math.floor(random() * 24);
      for (let d = depth; d > 0; d--) {
        const sym = symbols[Math.floor(Math.pow(random(), 1 + d / 8) * symbols.length)]!;
        chunk += `\t    ${(0x1000 + d * 0x40).toString(16)} ${sym}+0x${Math.floor(random() * 200).toString(16)} (/work/native/build/bench/bench_larson)\n`;
      }
      chunk += '\t           2724a __libc_start_call_main+0x7a (/usr/lib/x86_64-linux-gnu/libc.so.6)\n\n';
    }
    written += writeSync(fd, chunk);
  }
  closeSync(fd);
}

/** Child mode: fold one file and print JSON figures. */
async function foldChild(path: string): Promise<void> {
  const start = process.hrtime.bigint();
  const parser = new PerfScriptParser();
  await forEachLine(path, (l) => parser.line(l));
  const { model, samples } = parser.finish();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const bytes = statSync(path).size;
  process.stdout.write(
    JSON.stringify({ bytes, seconds, samples, nodes: model.nodeParent.length, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

function foldInChild(path: string): { bytes: number; seconds: number; samples: number; nodes: number; maxRssMB: number } {
  return JSON.parse(execFileSync(process.execPath, [__filename, '--fold', path], { encoding: 'utf8' }));
}

async function browserFigures(): Promise<void> {
  const model = syntheticProfile(200_000);
  const data = serialiseModel(model, 'bench');
  const browser = await launchChromium();
  const server = await serveFlamePage();
  const paints: number[] = [];
  const loads: number[] = [];
  const zooms: number[] = [];
  try {
    for (let run = 0; run < 5; run++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.addInitScript('window.__initialState = null;' + VSCODE_API_SHIM);
      await page.goto(server.url);
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      // Hand the page its message, then time from dispatch to the first frame drawn.
      await page.evaluate((d) => ((window as unknown as { __data: unknown }).__data = d), data);
      const wall = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const t0 = performance.now();
            window.postMessage({ type: 'profile', model: (window as unknown as { __data: unknown }).__data }, '*');
            const check = (): void =>
              document.body.dataset.loaded === 'true' ? resolve(performance.now() - t0) : void requestAnimationFrame(check);
            requestAnimationFrame(check);
          }),
      );
      loads.push(wall);
      paints.push(Number(await page.getAttribute('body', 'data-paint-ms')));
      const box = (await page.locator('#graph-canvas').boundingBox())!;
      for (const [fx, crumbs] of [
        [0.1, 2],
        [0.5, 1],
      ] as const) {
        if (crumbs === 1) await page.keyboard.press('Escape');
        else await page.mouse.click(box.x + box.width * fx, box.y + box.height - 27);
        await page.waitForFunction((n) => document.querySelectorAll('#crumbs button').length === n, crumbs);
        zooms.push(Number(await page.getAttribute('body', 'data-zoom-ms')));
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(`flamegraph page, ${model.nodeParent.length} nodes, 5 runs (headless Chromium):`);
  console.log(
    `  first paint (decode + layout + draw):      median ${median(paints).toFixed(0)} ms, max ${Math.max(...paints).toFixed(0)} ms   (target <= 500 ms)`,
  );
  console.log(
    `  message to painted frame (wall, in page):  median ${median(loads).toFixed(0)} ms, max ${Math.max(...loads).toFixed(0)} ms`,
  );
  console.log(
    `  zoom (click or Escape to redrawn):         median ${median(zooms).toFixed(1)} ms, max ${Math.max(...zooms).toFixed(1)} ms   (target <= 50 ms)`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--fold') return foldChild(args[1]!);
  const mbIndex = args.indexOf('--mb');
  const big = mbIndex >= 0 ? Number(args[mbIndex + 1]) : 500;
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-profile-bench-'));
  try {
    console.log('perf script folding (streamed, one process per file):');
    for (const mb of [Math.max(1, Math.round(big / 5)), big]) {
      const path = join(dir, `perf-${mb}.txt`);
      generatePerfScript(path, mb);
      const r = foldInChild(path);
      rmSync(path);
      const mbs = r.bytes / 1024 / 1024;
      console.log(
        `  ${mbs.toFixed(0).padStart(5)} MB: ${(mbs / r.seconds).toFixed(0)} MB/s (${r.seconds.toFixed(2)} s, ${r.samples} samples, ${r.nodes} nodes), peak RSS ${r.maxRssMB.toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!args.includes('--skip-browser')) await browserFigures();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

// Prints the profile engine's figures (not a test):
//  - perf script folding throughput and peak memory on generated 100 MB and 1 GB files
//    (each parsed in its own process, so peak RSS belongs to the parse alone), and the whole
//    `hakmem flame --folded` process on the same files;
//  - first paint of a 200,000-node profile and zoom time in headless Chromium.
// Run: node out/test/figures/profile.js [--mb 1024] [--runs 3] [--skip-browser]
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachLine, forEachLineChunk } from '../../server/src/profile/lines';
import { PerfScriptParser } from '../../server/src/profile/perfScript';
import { serialiseModel } from '../../server/src/profile/serialise';
import { syntheticProfile } from '../browser/flameFixtures';
import { launchChromium, serveFlamePage, VSCODE_API_SHIM } from '../browser/flamePage';
import { repoRoot } from '../util/paths';

/**
 * Writes a perf script file of about `mb` megabytes, shaped like a real allocator benchmark's: stacks 8–40 deep
 * (some 100 deep through a recursive function, repeated frames), C++ names, kernel stacks on page faults,
 * runs of `[unknown]` frames where a frame-pointer walk crossed code built without them, and an address per
 * sample that varies within each function (as sampled instruction pointers do).
 */
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
      const depth = 8 + Math.floor(random() * 32);
      for (let d = depth; d > 0; d--) {
        const sym = symbols[Math.floor(Math.pow(random(), 1 + d / 8) * symbols.length)]!;
        const offset = Math.floor(random() * 200);
        chunk += `\t    ${(0x1000 + d * 0x40 + offset).toString(16)} ${sym}+0x${offset.toString(16)} (/work/native/build/bench/bench_larson)\n`;
        if (d === 4 && random() < 0.05) for (let u = 0; u < 3; u++) chunk += '\t               0 [unknown] ([unknown])\n';
        if (d === 2 && random() < 0.02)
          for (let r = 0; r < 64; r++)
            chunk += `\t    2f${(r % 16).toString(16)}0 hak_tree_walk+0x${(r % 16).toString(16)}0 (/work/native/build/bench/bench_larson)\n`;
      }
      chunk += '\t           2724a __libc_start_call_main+0x7a (/usr/lib/x86_64-linux-gnu/libc.so.6)\n\n';
    }
    written += writeSync(fd, chunk);
  }
  closeSync(fd);
}

/** Child mode: fold one file and print JSON figures (`bytes`: the byte path `hakmem flame` takes; `lines`: a string per line). */
async function foldChild(path: string, how: 'bytes' | 'lines'): Promise<void> {
  const start = process.hrtime.bigint();
  const parser = new PerfScriptParser();
  if (how === 'bytes') await forEachLineChunk(path, (bytes, end) => parser.chunk(bytes, 0, end));
  else await forEachLine(path, (l) => parser.line(l));
  const { model, samples } = parser.finish();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const bytes = statSync(path).size;
  process.stdout.write(
    JSON.stringify({ bytes, seconds, samples, nodes: model.nodeParent.length, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

interface FoldFigures {
  bytes: number;
  seconds: number;
  samples: number;
  nodes: number;
  maxRssMB: number;
}

function foldInChild(path: string, how: 'bytes' | 'lines'): FoldFigures {
  return JSON.parse(execFileSync(process.execPath, [__filename, '--fold', how, path], { encoding: 'utf8' }));
}

/** `hakmem flame FILE --folded -o OUT` as a user runs it: wall seconds and peak RSS (from /usr/bin/time). */
function wholeProcess(path: string, out: string): { seconds: number; maxRssMB: number } {
  const cli = join(repoRoot, 'server', 'dist', 'cli.js');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, cli, 'flame', path, '--folded', '-o', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hakmem flame failed: ${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds: seconds!, maxRssMB: kb! / 1024 };
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
  if (args[0] === '--fold') return foldChild(args[2]!, args[1] === 'lines' ? 'lines' : 'bytes');
  const mbIndex = args.indexOf('--mb');
  const sizes = mbIndex >= 0 ? [Number(args[mbIndex + 1])] : [100, 1024];
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 3;
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-profile-bench-'));
  console.log(
    `perf script folding, best of ${runs} runs, each in its own process (${availableParallelism()} cores; the machine may be shared: compare within a run)`,
  );
  try {
    for (const mb of sizes) {
      const path = join(dir, `perf-${mb}.txt`);
      generatePerfScript(path, mb);
      const best = <T extends { seconds: number }>(f: () => T): T =>
        Array.from({ length: runs }, f).reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const bytes = best(() => foldInChild(path, 'bytes'));
      const lines = best(() => foldInChild(path, 'lines'));
      const whole = best(() => wholeProcess(path, join(dir, 'out.folded')));
      rmSync(path);
      const size = bytes.bytes / 1024 / 1024;
      const rate = (s: number): string => `${(size / s).toFixed(0)} MB/s`;
      console.log(`  ${size.toFixed(0)} MB, ${bytes.samples} samples, ${bytes.nodes} nodes:`);
      console.log(
        `    folding (bytes, as hakmem flame):   ${rate(bytes.seconds).padStart(10)} (${bytes.seconds.toFixed(2)} s), peak RSS ${bytes.maxRssMB.toFixed(0)} MB`,
      );
      console.log(
        `    folding (a string per line):        ${rate(lines.seconds).padStart(10)} (${lines.seconds.toFixed(2)} s), peak RSS ${lines.maxRssMB.toFixed(0)} MB`,
      );
      console.log(
        `    hakmem flame --folded, whole process: ${rate(whole.seconds).padStart(8)} (${whole.seconds.toFixed(2)} s), peak RSS ${whole.maxRssMB.toFixed(0)} MB`,
      );
      console.log(`    bytes vs strings in this run: ${(lines.seconds / bytes.seconds).toFixed(2)}x`);
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

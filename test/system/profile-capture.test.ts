// Needs gcc, and perf or valgrind: captures profiles of a program compiled here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { captureProfile, CaptureError } from '../../server/src/profile/capture';
import { hotFunctions } from '../../server/src/profile/hotspots';
import { importProfile } from '../../server/src/profile/import';
import { findOnPath, perfEvent } from '../../server/src/profile/tools';
import { buildWorkload } from '../util/workload';

const tmp = mkdtempSync(join(tmpdir(), 'hakmem-capture-'));
const binary = join(tmp, 'workload');

/** perf can sample here: installed, and allowed by perf_event_paranoid (or root). */
function perfUsable(): string | undefined {
  const choice = perfEvent();
  if ('problem' in choice) return choice.problem;
  const probe = spawnSync('perf', ['record', '-e', choice.event, '-o', join(tmp, 'probe.data'), '--', 'true'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `perf record does not work here: ${probe.stderr.trim().split('\n').pop()}`;
}

describe('capturing profiles of a real program', () => {
  before(() => {
    buildWorkload(binary);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('records with perf (cpu-clock, call graphs) and finds the hot loop and its source', async (t) => {
    const problem = perfUsable();
    if (problem) return t.skip(`${problem} (Debian package linux-perf)`);
    const outDir = join(tmp, 'perf');
    // One run of the workload is short; the capture repeats it until there are enough samples.
    const { model, files, samples, runs } = await captureProfile({
      command: [binary, '5000'],
      tool: 'perf',
      outDir,
      minSamples: 2000,
      signal: AbortSignal.timeout(120_000),
    });
    assert.ok(samples !== undefined && samples >= 1500, `${samples} samples from ${runs} runs`);
    // Assert what load cannot change: user-mode work. map_pages' self time is page
    // faults, which a loaded machine makes as long as it likes, so it is left out.
    const own = new Set(['spin_inner', 'spin_outer', 'churn', 'main']);
    const hot = hotFunctions(model).filter((h) => own.has(h.name));
    assert.equal(hot[0]!.name, 'spin_inner');
    assert.match(hot[0]!.file ?? '', /workload\.c$/, 'addr2line placed the function');
    const total = (name: string): number => hotFunctions(model).find((h) => h.name === name)?.totalPct ?? 0;
    assert.ok(total('main') >= total('spin_inner') && total('spin_inner') > 0, 'main includes the loop it calls');
    assert.match(readFileSync(files.folded, 'utf8'), /main;(spin_outer;)?spin_inner \d+\n/);
    // The raw perf.data imports to the same totals.
    const again = await importProfile(files.raw, { locateSources: false });
    assert.equal(again.nodeTotal[0], model.nodeTotal[0]);
  });

  it('records with callgrind and attributes inclusive costs', async (t) => {
    if (!findOnPath('valgrind')) return t.skip('valgrind is not installed (Debian package valgrind)');
    const { model, files } = await captureProfile({
      command: [binary, '40'],
      tool: 'callgrind',
      outDir: join(tmp, 'cg'),
      signal: AbortSignal.timeout(120_000),
    });
    const summary = Number(/^summary: (\d+)/m.exec(readFileSync(files.raw, 'utf8'))![1]);
    assert.ok(Math.abs(model.nodeTotal[0]! - summary) / summary < 0.001);
    const hot = hotFunctions(model);
    assert.equal(hot[0]!.name, 'spin_inner');
    const outer = hot.find((h) => h.name === 'spin_outer')!;
    assert.ok(outer.totalPct >= hot[0]!.selfPct - 0.5, 'spin_outer includes the inner loop');
    assert.match(outer.file ?? '', /workload\.c$/);
  });

  it('stops the whole process group on abort', async (t) => {
    if (!findOnPath('valgrind')) return t.skip('valgrind is not installed (Debian package valgrind)');
    const marker = `hakmem-abort-${process.pid}`;
    const controller = new AbortController();
    // A shell that starts a child: both must be gone after the abort.
    const run = captureProfile({
      command: ['/bin/sh', '-c', `sleep 30 & exec ${binary} 100000000 ${marker}`],
      tool: 'callgrind',
      outDir: join(tmp, 'abort'),
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 1500));
    controller.abort();
    await assert.rejects(run);
    await new Promise((r) => setTimeout(r, 500));
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    assert.ok(!ps.includes(marker), 'the profiled program was killed');
  });

  it('says clearly when the program does not exist', async () => {
    await assert.rejects(
      captureProfile({ command: [join(tmp, 'no-such-program')], tool: 'perf', outDir: join(tmp, 'none') }),
      (e: Error) => e instanceof CaptureError && /no such program/.test(e.message),
    );
  });
});

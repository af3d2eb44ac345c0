// The fixture allocator: a copy of native/ with the bugs of
// test/fixtures/triage/planted.patch applied, built into a temp folder, and the
// driver that exercises it. Each bug is live when HAKMEM_PLANT names it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir, repoRoot } from './paths';

export interface PlantedAllocator {
  /** The patched copy (the workspace root of its reports). */
  readonly dir: string;
  readonly debugLib: string;
  readonly releaseLib: string;
  /** `driver THREADS BLOCKS`: mallocs, a realloc and frees per thread. */
  readonly driver: string;
  /** The patched file holding the planted lines. */
  readonly apiFile: string;
  /** 1-based line of the `PLANTED:<bug>` marker. */
  line(bug: 'segv' | 'hang' | 'double-free' | 'race'): number;
}

export function buildPlantedAllocator(): PlantedAllocator {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-planted-'));
  for (const part of ['src', 'include', 'bench', 'Makefile']) cpSync(join(repoRoot, 'native', part), join(dir, part), { recursive: true });
  execFileSync('patch', ['-s', '-p1', '-d', dir, '-i', join(fixturesDir, 'triage', 'planted.patch')]);
  execFileSync('make', ['-s', '-C', dir, 'build/debug/libhakmem.so', 'build/release/libhakmem.so', 'build/bench/bench_fixed_size'], {
    stdio: 'pipe',
  });
  const driver = join(dir, 'driver');
  execFileSync('gcc', ['-std=c11', '-O1', '-g', '-pthread', join(fixturesDir, 'triage', 'driver.c'), '-o', driver]);
  const apiFile = join(dir, 'src', 'hakmem_api.c');
  const lines = readFileSync(apiFile, 'utf8').split('\n');
  return {
    dir,
    debugLib: join(dir, 'build', 'debug', 'libhakmem.so'),
    releaseLib: join(dir, 'build', 'release', 'libhakmem.so'),
    driver,
    apiFile,
    line: (bug) => lines.findIndex((l) => l.includes(`PLANTED:${bug} `)) + 1,
  };
}

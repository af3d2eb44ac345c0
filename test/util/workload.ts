// The profiling fixture program (test/fixtures/profile/workload.c), built the
// way its committed captures were: debug info, frame pointers, no inlining and
// no sibling calls, so every function keeps its own frame and symbol.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fixturesDir } from './paths';

export const WORKLOAD_SOURCE = join(fixturesDir, 'profile', 'workload.c');

/** Compiles the workload into `binary`. */
export function buildWorkload(binary: string): void {
  execFileSync('gcc', [
    '-std=c11',
    '-O1',
    '-g',
    '-fno-omit-frame-pointer',
    '-fno-inline',
    '-fno-optimize-sibling-calls',
    WORKLOAD_SOURCE,
    '-o',
    binary,
  ]);
}

// The standard workload suite: rows after the benchmarks allocator papers and
// maintainers quote (mimalloc-bench's), written for this project in native/bench
// from their published descriptions, plus real programs under LD_PRELOAD.
// Each workload verifies its own result (exit status 3 when it is wrong).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchmarkSpec } from '../presets';

export interface SuiteWorkload {
  readonly spec: BenchmarkSpec;
  /** What the row stands for, in one line. */
  readonly description: string;
  /** A program the row runs that the machine may lack (the row is then skipped, with this named). */
  readonly needs?: string;
}

function workload(
  nativeDir: string,
  name: string,
  binary: string,
  args: string[],
  quickArgs: string[],
  description: string,
  needs?: string,
): SuiteWorkload {
  return {
    spec: {
      name,
      build: `make -s build/bench/bench_${binary}`,
      binary: join(nativeDir, 'build', 'bench', `bench_${binary}`),
      args,
      quickArgs,
      env: {},
      cwd: nativeDir,
      source: join(nativeDir, 'bench', `bench_${binary}.c`),
    },
    description,
    ...(needs ? { needs } : {}),
  };
}

/** Every row of the suite, in the order it runs and is shown. */
export function suiteWorkloads(nativeDir: string): SuiteWorkload[] {
  const w = (...a: Parameters<typeof workload> extends [string, ...infer R] ? R : never): SuiteWorkload => workload(nativeDir, ...a);
  return [
    w(
      'larson',
      'larson',
      ['2', '8', '1000', '5000', '100', '4141', '2'],
      ['1', '8', '1000', '500', '20', '4141', '2'],
      'server: threads free random blocks and hand theirs to successors',
    ),
    w('xmalloc', 'xmalloc', ['2', '20000', '100', '1'], ['2', '200', '50', '1'], 'producer–consumer: every block freed by another thread'),
    w(
      'cache_scratch',
      'cache_scratch',
      ['2', '20000', '8', '200'],
      ['2', '300', '8', '20'],
      'passive false sharing of blocks passed to threads',
    ),
    w(
      'cache_thrash',
      'cache_thrash',
      ['2', '20000', '8', '200'],
      ['2', '300', '8', '20'],
      'active false sharing of concurrent small objects',
    ),
    w(
      'mstress',
      'mstress',
      ['4', '20', '20000', '1'],
      ['2', '2', '2000', '1'],
      'short- and long-lived blocks traded across threads that come and go',
    ),
    w('malloc_large', 'malloc_large', ['400', '42'], ['20', '42', '1', '3'], 'large blocks of 5–25 MiB, up to 20 live'),
    w('glibc_simple', 'glibc_simple', ['100'], ['2'], 'single thread: batches of one size allocated then freed'),
    w(
      'glibc_thread',
      'glibc_thread',
      ['2', '1000000', '2048', '1'],
      ['2', '20000', '256', '1'],
      'threads replacing random blocks of a working set',
    ),
    w('program_sort', 'program', ['sort', '300'], ['sort', '5'], 'sort(1) of a generated file', 'sort'),
    w('program_python', 'program', ['python', '100'], ['python', '5'], 'python3 building a big dict and its JSON round trip', 'python3'),
    w('program_gcc', 'program', ['gcc', '10'], ['gcc', '1'], 'gcc compiling a generated C file', 'gcc'),
  ];
}

/** True when `program` is on PATH. */
export function hasProgram(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

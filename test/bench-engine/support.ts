// Shared by the benchmark-engine tests: builds fixture benchmarks with gcc and
// looks for processes left behind in /proc.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchmarkSpec } from '../../server/src/bench/presets';
import { fixturesDir } from '../util/paths';

export const benchFixtures = join(fixturesDir, 'bench');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hakmem-${prefix}-`));
}

/** Compiles test/fixtures/bench/<name>.c into `outDir` and returns the binary path. */
export function buildFixture(name: string, outDir: string): string {
  const out = join(outDir, name);
  execFileSync('gcc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-o', out, join(benchFixtures, `${name}.c`)], { stdio: 'pipe' });
  return out;
}

export function fixtureSpec(name: string, binary: string, args: string[] = [], extra: Partial<BenchmarkSpec> = {}): BenchmarkSpec {
  return { name, binary, args, quickArgs: args, env: {}, cwd: benchFixtures, ...extra };
}

/** Pids of live (not zombie) processes in process group `pgid`. */
export function liveProcessesInGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command: state ppid pgrp …
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pgid && rest[0] !== 'Z') found.push(Number(entry));
  }
  return found;
}

/** True while /proc/<pid> exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable's path on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const PERF_MISSING = 'perf is not installed: install the Debian package linux-perf (apt-get install linux-perf)';
export const VALGRIND_MISSING = 'valgrind is not installed: install the Debian package valgrind (apt-get install valgrind)';

/** Why perf cannot be used at all, or undefined when it is on PATH. */
export function perfProblem(): string | undefined {
  return findOnPath('perf') ? undefined : PERF_MISSING;
}

export function perfEventParanoid(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim());
  } catch {
    return undefined;
  }
}

export function paranoidMessage(level: number | undefined): string {
  return (
    `perf is not permitted to sample (kernel.perf_event_paranoid = ${level ?? 'unknown'}): ` +
    'run `sudo sysctl kernel.perf_event_paranoid=1` (or profile as root), or use --tool callgrind'
  );
}

/**
 * The perf event to sample with. cpu-clock is a software event, so it works
 * where hardware cycle counters are missing (virtual machines). Unprivileged
 * users at paranoid level 2 may only sample user space; level 3 and above
 * (a Debian addition) forbids perf to them entirely.
 */
export function perfEvent(): { event: string } | { problem: string } {
  const missing = perfProblem();
  if (missing) return { problem: missing };
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root) return { event: 'cpu-clock' };
  const level = perfEventParanoid();
  if (level !== undefined && level >= 3) return { problem: paranoidMessage(level) };
  return { event: level !== undefined && level >= 2 ? 'cpu-clock:u' : 'cpu-clock' };
}

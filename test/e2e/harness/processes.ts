// Every process group and temporary folder the harness makes is registered
// here, so it is stopped or removed whether the run passes, fails, or is
// interrupted (Ctrl+C, a test runner's timeout).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const groups = new Set<number>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: there is no time for a grace period.
  process.on('exit', () => {
    for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void stopAllGroups().finally(() => process.exit(130));
    });
  }
}

/** Remembers a process group (a detached child's pid) for stopping later. */
export function trackGroup(pgid: number): void {
  installExitHooks();
  groups.add(pgid);
}

/** SIGTERM to the whole group, then SIGKILL after the grace period if anything is left. */
export async function stopGroup(pgid: number, graceMs = 5000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await delay(100);
  if (groupAlive(pgid)) {
    signalGroup(pgid, 'SIGKILL');
    // Bounded: an unreaped zombie still counts as alive, and it cannot run anything.
    const killDeadline = Date.now() + 2000;
    while (groupAlive(pgid) && Date.now() < killDeadline) await delay(50);
  }
  groups.delete(pgid);
}

export async function stopAllGroups(): Promise<void> {
  await Promise.all([...groups].map((pgid) => stopGroup(pgid)));
}

/** A new temporary folder, removed by removeTempDir or at exit at the latest. */
export function makeTempDir(prefix: string): string {
  installExitHooks();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

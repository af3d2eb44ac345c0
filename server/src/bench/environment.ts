// Where a run happened: the git commit (and whether the tree was dirty) and the machine.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, hostname, release, type } from 'node:os';
import type { GitState, MachineInfo } from './record';

function git(cwd: string, args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The commit checked out in `cwd`, or null outside a git repository (or without git). */
export function gitState(cwd: string): GitState | null {
  const commit = git(cwd, ['rev-parse', 'HEAD']);
  if (!commit) return null;
  const status = git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  const branch = git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']);
  return { commit, dirty: status === undefined ? true : status.length > 0, ...(branch ? { branch } : {}) };
}

function cpuModel(): string {
  const fromOs = cpus()[0]?.model;
  if (fromOs) return fromOs.trim();
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return { hostname: hostname(), os: type(), kernel: release(), arch: arch(), cpuModel: cpuModel(), cpus: cpus().length };
}

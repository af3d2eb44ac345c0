// Core files. Tried here (Debian container, root, core_pattern `core`): a core
// file written by the kernel at the moment of the crash is the reliable source
// — it holds the crashed state exactly, costs nothing while the program runs
// (the only change is a raised RLIMIT_CORE), and needs no ptrace. Re-running
// under gdb is the fallback: it depends on the crash repeating. Attaching gdb
// at a signal is not possible from outside without tracing the whole run.
// Where core_pattern pipes to a handler (systemd-coredump, apport) or the hard
// limit forbids cores, no file appears and capture falls back to the re-run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

const CORE_PATTERN = '/proc/sys/kernel/core_pattern';

/** The kernel's core_pattern, or undefined when unreadable. */
export function corePattern(): string | undefined {
  try {
    return readFileSync(CORE_PATTERN, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** True when the kernel writes core files to a path (not to a pipe handler). */
export function coreFilesWritten(pattern = corePattern()): boolean {
  return pattern !== undefined && pattern !== '' && !pattern.startsWith('|');
}

const ARMED_PRELOAD = 'HAKMEM_ARMED_PRELOAD';

/**
 * The command that runs `command args` with core dumps allowed: a shell raises
 * the soft core limit, then execs the program (same pid, same process group).
 * The shell itself must not run under the allocator being tested (a broken one
 * would crash the shell instead of the program), so LD_PRELOAD reaches it under
 * another name and is restored just before the exec.
 */
export function armedCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const script =
    'ulimit -c unlimited 2>/dev/null; ' +
    `if [ -n "\${${ARMED_PRELOAD}+x}" ]; then LD_PRELOAD=$${ARMED_PRELOAD}; export LD_PRELOAD; unset ${ARMED_PRELOAD}; fi; ` +
    'exec "$0" "$@"';
  const shellEnv = { ...env };
  if (shellEnv['LD_PRELOAD'] !== undefined) {
    shellEnv[ARMED_PRELOAD] = shellEnv['LD_PRELOAD'];
    delete shellEnv['LD_PRELOAD'];
  }
  return { command: '/bin/sh', args: ['-c', script, command, ...args], env: shellEnv };
}

function usesPid(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/core_uses_pid', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/** A regular expression for the file names the pattern yields for this process. */
function namePattern(pattern: string, pid: number, executable: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c !== '%') {
      re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const spec = pattern[++i];
    if (spec === 'p' || spec === 'P' || spec === 'i' || spec === 'I') re += String(pid);
    else if (spec === 'e') re += executable.slice(0, 15).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (spec === '%') re += '%';
    else re += '[^/]*';
  }
  const withPid = usesPid() && !/%p/.test(pattern) ? `${re}\\.${pid}` : re;
  return new RegExp(`^${withPid}$`);
}

/** The core file a process `pid` that ran in `cwd` left, written at or after `sinceMs`. */
export function findCore(pid: number, executable: string, cwd: string, sinceMs: number, pattern = corePattern()): string | undefined {
  if (!coreFilesWritten(pattern)) return undefined;
  const full = isAbsolute(pattern!) ? pattern! : join(cwd, pattern!);
  const dir = dirname(full);
  const re = namePattern(basename(full), pid, basename(executable));
  let best: { path: string; mtime: number } | undefined;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of entries) {
    if (!re.test(name)) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      // A second of slack: file times may be coarser than our clock.
      if (st.isFile() && st.mtimeMs >= sinceMs - 1000 && (!best || st.mtimeMs > best.mtime)) best = { path, mtime: st.mtimeMs };
    } catch {
      // vanished
    }
  }
  return best?.path;
}

// Runs one child process in its own process group, under the supervisor
// (supervisor.ts) where there is one, so a timeout, a cancel or our own exit —
// even by `kill -9` — kills it together with everything it started, setsid()
// escapes included. Without the supervisor the group alone is killed: after the
// leader exits too, and synchronously for groups still alive when this process exits.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { CANNOT_RUN, PID_FD_OPTION, supervisor } from './supervisor';

export interface GroupRunOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Bytes of each stream kept (the tail); default 1 MiB. */
  readonly keepBytes?: number;
  /** Called with the group id once the child is running (tests use it to look for leftovers). */
  readonly onSpawn?: (pgid: number) => void;
  /** Awaited at the timeout before the run is killed, with the command's pid (the hang's stacks are read then). */
  readonly onTimeout?: (pid: number) => Promise<void>;
}

export interface GroupRunResult {
  readonly pgid: number | undefined;
  /** The command's own pid (under the supervisor, the supervisor's child; else the group leader). */
  readonly pid: number | undefined;
  /** Exit status, or null when a signal ended the process. */
  readonly exitStatus: number | null;
  /** Signal name (SIGSEGV, …) when a signal ended the process. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Set when the binary could not be started at all (ENOENT, EACCES …). */
  readonly spawnError?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallSeconds: number;
  /** Peak RSS of the leader seen in /proc (KiB), sampled while it ran. */
  readonly peakRssKb?: number;
}

/** Live groups, and whether their leader is the supervisor (whose pid is the group id). */
const liveGroups = new Map<number, { supervised: boolean }>();
let exitHookInstalled = false;
/** How long a supervisor may take to kill what is below it before its whole group is killed. */
const SUPERVISOR_GRACE_MS = 2000;

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Stops a run with everything it started. A supervisor is asked with SIGTERM: it kills every
 * descendant, escaped ones included, then itself (a SIGKILL of its group would kill it before it could).
 */
function stopGroup(pgid: number, supervised: boolean): void {
  if (!supervised) return killGroup(pgid);
  try {
    process.kill(pgid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  setTimeout(() => killGroup(pgid), SUPERVISOR_GRACE_MS).unref();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; process.kill is. (A supervisor also gets SIGTERM from the
  // kernel when this process dies, however it dies.)
  process.on('exit', () => {
    for (const [pgid, g] of liveGroups) stopGroup(pgid, g.supervised);
  });
}

/** Kills every process group started here that may still be running. */
export function killAllGroups(): void {
  for (const [pgid, g] of liveGroups) stopGroup(pgid, g.supervised);
}

/** Process groups started here and not yet known to be gone (for tests and status). */
export function liveGroupIds(): number[] {
  return [...liveGroups.keys()];
}

class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

function readVmHwmKb(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function signalNumber(name: string): number | undefined {
  return (constants.signals as Record<string, number>)[name];
}

/** Runs the command to completion (or timeout / cancel); never rejects. */
export function runInGroup(options: GroupRunOptions): Promise<GroupRunResult> {
  installExitHook();
  const keep = options.keepBytes ?? 1 << 20;
  const started = process.hrtime.bigint();
  const stdout = new TailBuffer(keep);
  const stderr = new TailBuffer(keep);
  const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;

  return new Promise((resolvePromise) => {
    if (options.signal?.aborted) {
      resolvePromise({
        pgid: undefined,
        pid: undefined,
        exitStatus: null,
        signal: null,
        timedOut: false,
        cancelled: true,
        stdout: '',
        stderr: '',
        wallSeconds: 0,
      });
      return;
    }
    // detached: the child calls setsid(), so its pid is the id of a new process group.
    const supervisorPath = supervisor().path;
    const supervised = supervisorPath !== undefined;
    // Under the supervisor, fd 3 brings the command's pid (the supervisor's child) as soon as it forks.
    const child = spawn(
      supervised ? supervisorPath : options.command,
      supervised ? [PID_FD_OPTION, '3', options.command, ...options.args] : [...options.args],
      {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', supervised ? 'pipe' : 'ignore'],
      },
    );
    const pgid = child.pid;
    if (pgid !== undefined) {
      liveGroups.set(pgid, { supervised });
      options.onSpawn?.(pgid);
    }
    // The command's pid: whose peak RSS is sampled, whose stacks a hang's capture reads.
    let commandPid = supervised ? undefined : pgid;
    let pidText = '';
    child.stdio[3]?.on('data', (c: Buffer) => {
      pidText += c.toString('latin1');
      const pid = Number(pidText.trim());
      if (pidText.endsWith('\n') && Number.isInteger(pid) && pid > 0) commandPid = pid;
    });
    let timedOut = false;
    let cancelled = false;
    let peakRssKb: number | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: string | undefined;
    let settled = false;

    const samplePeak = (): void => {
      if (pgid === undefined || exit) return;
      if (commandPid === undefined) return;
      const hwm = readVmHwmKb(commandPid);
      if (hwm !== undefined) peakRssKb = Math.max(peakRssKb ?? 0, hwm);
    };
    const sampler = setInterval(samplePeak, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      if (pgid === undefined) return;
      if (!options.onTimeout || commandPid === undefined) return stopGroup(pgid, supervised);
      // The hook never holds the kill back for good: whatever it does, the run is stopped after it.
      options.onTimeout(commandPid).then(
        () => stopGroup(pgid, supervised),
        () => stopGroup(pgid, supervised),
      );
    }, options.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      if (pgid !== undefined) stopGroup(pgid, supervised);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearInterval(sampler);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (pgid !== undefined) liveGroups.delete(pgid);
      // The supervisor could not start the command: the same failure as a spawn of it would give.
      const cannotRun = supervised && exit?.code === 127 ? CANNOT_RUN.exec(stderr.text()) : null;
      if (cannotRun) spawnError = `${options.command}: ${cannotRun[1]}`;
      resolvePromise({
        pgid,
        pid: commandPid,
        exitStatus: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        cancelled,
        ...(spawnError !== undefined ? { spawnError } : {}),
        stdout: stdout.text(),
        stderr: stderr.text(),
        wallSeconds: seconds(),
        ...(peakRssKb !== undefined ? { peakRssKb } : {}),
      });
    };

    child.stdout!.on('data', (c: Buffer) => stdout.push(c));
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    child.on('error', (e) => {
      spawnError = e.message;
      finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the leader left behind in its group dies with it; this also lets
      // 'close' fire when a leftover grandchild was holding the pipes open.
      if (pgid !== undefined) killGroup(pgid);
    });
    child.on('close', finish);
  });
}

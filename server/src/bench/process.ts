// Runs one child process in its own process group, so a timeout, a cancel or
// our own exit can kill it together with everything it started. Nothing is
// left running: the group is killed after the leader exits too, and groups
// still alive when this process exits are killed synchronously.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

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
  /** Awaited at the timeout before the group is killed (the hang's stacks are read then). */
  readonly onTimeout?: (pid: number) => Promise<void>;
}

export interface GroupRunResult {
  readonly pgid: number | undefined;
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

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; process.kill is.
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid);
  });
}

/** Kills every process group started here that may still be running. */
export function killAllGroups(): void {
  for (const pgid of liveGroups) killGroup(pgid);
}

/** Process groups started here and not yet known to be gone (for tests and status). */
export function liveGroupIds(): number[] {
  return [...liveGroups];
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
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    if (pgid !== undefined) {
      liveGroups.add(pgid);
      options.onSpawn?.(pgid);
    }
    let timedOut = false;
    let cancelled = false;
    let peakRssKb: number | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: string | undefined;
    let settled = false;

    const samplePeak = (): void => {
      if (pgid === undefined || exit) return;
      const hwm = readVmHwmKb(pgid);
      if (hwm !== undefined) peakRssKb = Math.max(peakRssKb ?? 0, hwm);
    };
    const sampler = setInterval(samplePeak, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      if (pgid === undefined) return;
      if (!options.onTimeout) return killGroup(pgid);
      // The hook never holds the kill back for good: whatever it does, the group dies after it.
      options.onTimeout(pgid).then(
        () => killGroup(pgid),
        () => killGroup(pgid),
      );
    }, options.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      if (pgid !== undefined) killGroup(pgid);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearInterval(sampler);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (pgid !== undefined) liveGroups.delete(pgid);
      resolvePromise({
        pgid,
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

    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
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

// Runs gdb in batch mode: on a core file, attached to a live process (a hang),
// or running the program anew (when no core file could be had). Every mode
// prints the same markers, so one reader (gdbOutput.ts) serves them all.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ADDR_MARK, SIGNO_MARK, THREADS_MARK } from './gdbOutput';

export const GDB_MISSING = 'gdb not found on PATH, so the stacks could not be captured; install it (Debian/Ubuntu: apt-get install gdb)';

/** The gdb executable on `PATH`, or undefined. */
export function findGdb(path = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'gdb');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Commands after the program is stopped: signal, address, current thread, every stack. */
function reportCommands(): string[] {
  return [
    'set filename-display absolute',
    'set print frame-arguments scalars',
    `printf "${SIGNO_MARK} %d\\n", $_siginfo.si_signo`,
    `printf "${ADDR_MARK} %p\\n", $_siginfo._sifields._sigfault.si_addr`,
    'thread',
    `echo ${THREADS_MARK}\\n`,
    'thread apply all bt',
  ];
}

function exArgs(commands: readonly string[]): string[] {
  return commands.flatMap((c) => ['-ex', c]);
}

export interface GdbRun {
  readonly output: string;
  readonly timedOut: boolean;
}

function runGdb(gdb: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<GdbRun> {
  return new Promise((resolve) => {
    // Its own process group, killed whole on timeout (a re-run's program with it).
    const child = spawn(gdb, ['-batch', '-nx', '-q', ...args], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    let timedOut = false;
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      kill();
      resolve({ output: Buffer.concat(chunks).toString('utf8'), timedOut });
    };
    child.on('error', (e) => {
      chunks.push(Buffer.from(`\n${e.message}\n`));
      done();
    });
    child.on('close', done);
  });
}

/** gdb's own environment: never under the allocator being triaged. */
function gdbEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['LD_PRELOAD'];
  return env;
}

export function gdbOnCore(gdb: string, binary: string, core: string, cwd: string, timeoutMs: number): Promise<GdbRun> {
  return runGdb(gdb, [...exArgs(reportCommands()), binary, core], gdbEnv(), cwd, timeoutMs);
}

/** Attaches to a live (hung) process, prints every stack and detaches; the caller kills it afterwards. */
export function gdbAttach(gdb: string, pid: number, cwd: string, timeoutMs: number): Promise<GdbRun> {
  return runGdb(
    gdb,
    ['-p', String(pid), ...exArgs(['set filename-display absolute', `echo ${THREADS_MARK}\\n`, 'thread apply all bt'])],
    gdbEnv(),
    cwd,
    timeoutMs,
  );
}

/** Runs the program under gdb with its environment (LD_PRELOAD for the program only) until it stops. */
export function gdbRerun(gdb: string, command: readonly string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<GdbRun> {
  const preload = env['LD_PRELOAD'];
  const programEnv = { ...env };
  delete programEnv['LD_PRELOAD'];
  const setup = ['set startup-with-shell off', 'set pagination off', ...(preload ? [`set environment LD_PRELOAD=${preload}`] : [])];
  return runGdb(gdb, [...exArgs([...setup, 'run', ...reportCommands()]), '--args', ...command], programEnv, cwd, timeoutMs);
}

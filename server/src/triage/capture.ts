// From a failed run to a crash report: the core file the kernel wrote (see
// core.ts for why that comes first), else the program re-run under gdb; for a
// hang, gdb attached to the live process before it is killed.
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { corePattern, coreFilesWritten, findCore } from './core';
import { debugInfoOf } from './elf';
import { findGdb, gdbAttach, gdbOnCore, gdbRerun, GDB_MISSING, type GdbRun } from './gdb';
import { parseGdbOutput, type GdbReading } from './gdbOutput';
import type { CaptureMethod, CrashReport, ThreadStack } from './report';

/** What the runner knows of the run that failed. */
export interface RunContext {
  /** The program and its arguments, as run. */
  readonly command: readonly string[];
  readonly cwd: string;
  /** The whole environment of the run (the re-run uses it). */
  readonly env: NodeJS.ProcessEnv;
  /** The part of it the run added on top of the inherited one, for the report. */
  readonly addedEnv: Readonly<Record<string, string>>;
  readonly seed?: string | null;
  /** Time limit of a re-run under gdb. */
  readonly timeoutMs: number;
}

const GDB_TIMEOUT_MS = 30_000;
const FAULT_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE']);

function signalName(n: number | null): string | null {
  if (n === null) return null;
  const found = Object.entries(constants.signals as Record<string, number>).find(([, v]) => v === n);
  return found ? found[0] : null;
}

function ptraceProblem(reading: GdbReading): string | undefined {
  if (!reading.errors.some((e) => /ptrace|Operation not permitted|Could not trace/.test(e))) return undefined;
  return (
    'gdb was not permitted to attach (ptrace refused): allow it with `sysctl kernel.yama.ptrace_scope=0`, ' +
    'or in a container run it with --cap-add=SYS_PTRACE (or make sure no other debugger or tracer is attached)'
  );
}

/** The program and the preloaded allocator, when either lacks line information. */
function debugInfoProblems(ctx: RunContext): string[] {
  const objects = [ctx.command[0]!, ...(ctx.env['LD_PRELOAD'] ?? '').split(/[: ]/).filter(Boolean)];
  const problems: string[] = [];
  for (const object of objects) {
    const info = debugInfoOf(object);
    if (info === 'full' || info === 'unknown') continue;
    const what = info === 'stripped' ? 'is stripped (no symbols, no debug information)' : 'has no debug information (built without -g)';
    const bundled = /libhakmem\.so/.test(object) ? '; the bundled hakmem-debug and hakmem-prof builds carry it' : '';
    problems.push(`${object} ${what}, so its frames show no file or line: rebuild it with -g and without strip${bundled}`);
  }
  return problems;
}

function orderThreads(threads: ThreadStack[], crashed: number | null): ThreadStack[] {
  const first = threads.filter((t) => t.id === crashed);
  return [...first, ...threads.filter((t) => t.id !== crashed)];
}

function report(
  ctx: RunContext,
  kind: CrashReport['kind'],
  signal: string | null,
  reading: GdbReading | undefined,
  method: CaptureMethod,
  problems: string[],
  exitedAtMs: number,
): CrashReport {
  const threads = reading ? orderThreads(reading.threads, kind === 'hang' ? null : reading.currentThread) : [];
  const address = signal && FAULT_SIGNALS.has(signal) ? (reading?.address ?? null) : null;
  return {
    version: 1,
    kind,
    signal,
    address,
    crashedThread: kind === 'hang' ? null : (reading?.currentThread ?? threads[0]?.id ?? null),
    threads,
    method,
    run: { command: [...ctx.command], cwd: ctx.cwd, env: { ...ctx.addedEnv }, seed: ctx.seed ?? null },
    problems: reading ? [...problems, ...debugInfoProblems(ctx)] : problems,
    captureMs: Date.now() - exitedAtMs,
  };
}

export interface CrashFacts {
  /** Pid of the program that died (the group leader). */
  readonly pid: number;
  /** Signal name that ended it. */
  readonly signal: string;
  readonly startedAtMs: number;
  readonly exitedAtMs: number;
  /** False when the run was not armed for a core file (then only a re-run can tell). */
  readonly armed: boolean;
}

/** The stacks of a run that died by a signal. Never rejects: what failed goes to `problems`. */
export async function captureCrash(ctx: RunContext, facts: CrashFacts): Promise<CrashReport> {
  const kind = facts.signal === 'SIGABRT' ? 'abort' : 'crash';
  const gdb = findGdb(ctx.env['PATH'] ?? process.env['PATH']);
  const binary = ctx.command[0]!;
  const core = facts.armed ? findCore(facts.pid, binary, ctx.cwd, facts.startedAtMs) : undefined;
  if (!gdb) {
    if (core) rmSync(core, { force: true });
    return report(ctx, kind, facts.signal, undefined, 'none', [GDB_MISSING], facts.exitedAtMs);
  }
  const problems: string[] = [];
  let run: GdbRun;
  let method: CaptureMethod;
  if (core) {
    try {
      run = await gdbOnCore(gdb, binary, core, ctx.cwd, GDB_TIMEOUT_MS);
    } finally {
      rmSync(core, { force: true });
    }
    method = 'core';
  } else {
    run = await gdbRerun(gdb, ctx.command, ctx.env, ctx.cwd, Math.max(ctx.timeoutMs, GDB_TIMEOUT_MS));
    method = 'gdb-rerun';
  }
  const reading = parseGdbOutput(run.output);
  const sig = signalName(reading.signalNumber) ?? facts.signal;
  if (method === 'gdb-rerun') {
    const why = coreFilesWritten()
      ? 'no core file was found'
      : `core files go to a handler here (core_pattern ${corePattern() ?? 'unreadable'})`;
    if (reading.signalNumber === null || reading.threads.length === 0) {
      problems.push(`${why}, and the run did not crash again under gdb: the stacks are missing; re-run it to try again`);
      return report(ctx, kind, facts.signal, undefined, method, problems, facts.exitedAtMs);
    }
    if (sig !== facts.signal) problems.push(`${why}; re-run under gdb, it stopped with ${sig} (the run died by ${facts.signal})`);
  }
  if (run.timedOut) problems.push(`gdb did not finish within ${GDB_TIMEOUT_MS / 1000} s; the stacks may be incomplete`);
  const ptrace = ptraceProblem(reading);
  if (ptrace) problems.push(ptrace);
  return report(ctx, kind, sig, reading, method, problems, facts.exitedAtMs);
}

/** Every thread's stack of a live, hung process; the caller kills it afterwards. Never rejects. */
export async function captureHang(ctx: RunContext, pid: number): Promise<CrashReport> {
  const started = Date.now();
  const gdb = findGdb(ctx.env['PATH'] ?? process.env['PATH']);
  if (!gdb) return report(ctx, 'hang', null, undefined, 'none', [GDB_MISSING], started);
  const run = await gdbAttach(gdb, pid, ctx.cwd, GDB_TIMEOUT_MS);
  const reading = parseGdbOutput(run.output);
  const problems: string[] = [];
  const ptrace = ptraceProblem(reading);
  if (ptrace) problems.push(ptrace);
  else if (reading.threads.length === 0) problems.push('gdb could not read the stacks of the hung process');
  return report(ctx, 'hang', null, reading, 'attach', problems, started);
}

// The crash report: what a crashed, aborted or hung run left behind, as plain
// data with no Node API (the bench record, the CLI, the language server and a
// crash view all read it).

/** One frame of a thread's stack, innermost first. */
export interface StackFrame {
  /** Frame number as the debugger printed it (#0 is innermost). */
  readonly index: number;
  /** Function name; null when the debugger could not name it (`??`). */
  readonly function: string | null;
  /** Source file, absolute when the debug information allows; null without line information. */
  readonly file: string | null;
  /** 1-based line, or null. */
  readonly line: number | null;
  /** Program counter (hex) when the debugger printed one. */
  readonly address: string | null;
  /** The shared object the frame is in, when the debugger printed `from LIB` instead of a line. */
  readonly library: string | null;
  /** The arguments as the debugger printed them (`ptr=0x7f…, size=64`). */
  readonly args: string;
}

export interface ThreadStack {
  /** The debugger's thread number. */
  readonly id: number;
  /** Kernel thread id, when known. */
  readonly lwp: number | null;
  readonly frames: readonly StackFrame[];
}

export type CrashKind = 'crash' | 'abort' | 'hang';

/** How the stacks were obtained. */
export type CaptureMethod = 'core' | 'gdb-rerun' | 'attach' | 'none';

export interface CrashReport {
  readonly version: 1;
  readonly kind: CrashKind;
  /** Signal name (SIGSEGV, SIGABRT …); null for a hang. */
  readonly signal: string | null;
  /** The faulting address (hex) for SIGSEGV / SIGBUS / SIGILL / SIGFPE, else null. */
  readonly address: string | null;
  /** The debugger's number of the thread that took the signal (null for a hang). */
  readonly crashedThread: number | null;
  /** Every thread's stack; for a crash the crashed thread comes first. */
  readonly threads: readonly ThreadStack[];
  readonly method: CaptureMethod;
  /** The run: command line, working directory, the environment it added, and its seed when one was recognised. */
  readonly run: {
    readonly command: readonly string[];
    readonly cwd: string;
    readonly env: Readonly<Record<string, string>>;
    readonly seed: string | null;
  };
  /**
   * What kept the report from being complete, each saying what is missing and
   * how to get it (gdb not installed, ptrace refused, no debug information …).
   */
  readonly problems: readonly string[];
  /** Milliseconds from the end of the run to the report. */
  readonly captureMs: number;
}

/** The thread that took the signal, else the first one. */
export function crashedStack(report: CrashReport): ThreadStack | undefined {
  return report.threads.find((t) => t.id === report.crashedThread) ?? report.threads[0];
}

function isUnder(file: string, root: string): boolean {
  const base = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(base);
}

/** The innermost frame of `thread` whose source file lies under `root` (where the user can fix it). */
export function innermostWorkspaceFrame(thread: ThreadStack | undefined, root: string): StackFrame | undefined {
  return thread?.frames.find((f) => f.file !== null && f.line !== null && isUnder(f.file, root));
}

/** The stack to point at: the crashed thread's, or for a hang the first thread that is inside the workspace. */
export function primaryStack(report: CrashReport, root: string): ThreadStack | undefined {
  if (report.kind !== 'hang') return crashedStack(report);
  return report.threads.find((t) => innermostWorkspaceFrame(t, root)) ?? report.threads[0];
}

/** A frame in words: `hak_free (ptr=0x…) at /w/src/api.c:70` or `?? from libx.so`. */
export function frameText(f: StackFrame): string {
  const where = f.file ? ` at ${f.file}:${f.line ?? '?'}` : f.library ? ` from ${f.library}` : '';
  return `#${f.index} ${f.function ?? '??'} (${f.args})${where}`;
}

/** One line saying what happened, for Problems and the CLI. */
export function crashHeadline(report: CrashReport): string {
  if (report.kind === 'hang') return `hang: ${report.threads.length} thread(s) still running at the timeout`;
  const at = report.address ? ` at address ${report.address}` : '';
  const top = crashedStack(report)?.frames[0];
  const inFn = top?.function ? ` in ${top.function}` : '';
  return `${report.kind === 'abort' ? 'aborted' : 'crashed'}: ${report.signal ?? 'signal'}${at}${inFn}`;
}

/** The report as text: headline, run, each thread's stack, then what is missing. */
export function crashText(report: CrashReport): string {
  const lines = [crashHeadline(report), `  command: ${report.run.command.join(' ')}`, `  cwd: ${report.run.cwd}`];
  const env = Object.entries(report.run.env);
  if (env.length) lines.push(`  env: ${env.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (report.run.seed !== null) lines.push(`  seed: ${report.run.seed}`);
  for (const t of report.threads) {
    const mark = t.id === report.crashedThread ? ' (crashed)' : '';
    lines.push('', `Thread ${t.id}${t.lwp !== null ? ` (LWP ${t.lwp})` : ''}${mark}:`);
    for (const f of t.frames) lines.push(`  ${frameText(f)}`);
  }
  for (const p of report.problems) lines.push('', `note: ${p}`);
  return lines.join('\n') + '\n';
}

// Reads what `gdb -batch` printed for the commands of gdb.ts: the signal and
// faulting address (printf markers), the current thread, every thread's
// backtrace, and gdb's errors (ptrace refused …).
import type { StackFrame, ThreadStack } from './report';

export interface GdbReading {
  readonly signalNumber: number | null;
  readonly address: string | null;
  readonly currentThread: number | null;
  readonly threads: ThreadStack[];
  /** gdb's error lines worth showing (attach refused, core unreadable …). */
  readonly errors: string[];
}

export const SIGNO_MARK = '@@hakmem-signo';
export const ADDR_MARK = '@@hakmem-addr';
export const THREADS_MARK = '@@hakmem-threads';

const FRAME = /^#(\d+)\s+(.*)$/;
const THREAD = /^Thread (\d+) \((.*)\):$/;
const CURRENT = /^\[Current thread is (\d+) /;
const AT_LINE = / at (\S.*):(\d+)$/;
const FROM_LIB = / from (\S+)$/;
const PC = /^(0x[0-9a-f]+) in /;

/** One `#N …` line of a backtrace. */
export function parseFrame(line: string): StackFrame | undefined {
  const m = FRAME.exec(line);
  if (!m) return undefined;
  let rest = m[2]!;
  let file: string | null = null;
  let lineNo: number | null = null;
  let library: string | null = null;
  const at = AT_LINE.exec(rest);
  if (at) {
    file = at[1]!;
    lineNo = Number(at[2]);
    rest = rest.slice(0, at.index);
  } else {
    const from = FROM_LIB.exec(rest);
    if (from) {
      library = from[1]!;
      rest = rest.slice(0, from.index);
    }
  }
  let address: string | null = null;
  const pc = PC.exec(rest);
  if (pc) {
    address = pc[1]!;
    rest = rest.slice(pc[0].length);
  }
  // `name (args)`; `<signal handler called>` has no arguments.
  const open = rest.indexOf(' (');
  const name = open >= 0 ? rest.slice(0, open) : rest;
  const args = open >= 0 && rest.endsWith(')') ? rest.slice(open + 2, -1) : '';
  return { index: Number(m[1]), function: name === '??' ? null : name, file, line: lineNo, address, library, args };
}

export function parseGdbOutput(text: string): GdbReading {
  let signalNumber: number | null = null;
  let address: string | null = null;
  let currentThread: number | null = null;
  const threads: ThreadStack[] = [];
  const errors: string[] = [];
  let inThreads = false;
  let thread: { id: number; lwp: number | null; frames: StackFrame[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith(SIGNO_MARK)) {
      const n = Number(line.slice(SIGNO_MARK.length).trim());
      if (Number.isInteger(n) && n > 0) signalNumber = n;
      continue;
    }
    if (line.startsWith(ADDR_MARK)) {
      const a = line.slice(ADDR_MARK.length).trim();
      // printf's %p writes a null pointer as (nil).
      if (/^0x[0-9a-f]+$/.test(a)) address = a;
      else if (a === '(nil)') address = '0x0';
      continue;
    }
    if (line === THREADS_MARK) {
      inThreads = true;
      continue;
    }
    const cur = CURRENT.exec(line);
    if (cur) currentThread = Number(cur[1]);
    if (
      /^ptrace: |^warning: Could not trace|Operation not permitted|^No such process|is not a core dump|^No symbol table is loaded/.test(
        line,
      )
    )
      errors.push(line);
    if (!inThreads) continue;
    const th = THREAD.exec(line);
    if (th) {
      const lwp = /LWP (\d+)/.exec(th[2]!) ?? /process (\d+)/.exec(th[2]!);
      thread = { id: Number(th[1]), lwp: lwp ? Number(lwp[1]) : null, frames: [] };
      threads.push(thread);
      continue;
    }
    const frame = parseFrame(line);
    if (frame && thread) thread.frames.push(frame);
  }
  return { signalNumber, address, currentThread, threads, errors };
}

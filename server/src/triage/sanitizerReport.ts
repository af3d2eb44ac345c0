// Reads what AddressSanitizer, UndefinedBehaviorSanitizer and ThreadSanitizer
// print: each report's kind, headline and stacks (the access, the free, the
// allocation, the other thread's access), with frames resolved to files.
import { isAbsolute, resolve } from 'node:path';
import type { StackFrame } from './report';

export type SanitizerTool = 'address' | 'thread' | 'undefined';

export interface SanitizerStack {
  /** What the stack shows: "READ of size 8 at 0x… thread T0", "freed by thread T0 here", "Previous write …". */
  readonly title: string;
  readonly frames: readonly StackFrame[];
}

export interface SanitizerReport {
  readonly tool: SanitizerTool;
  /** heap-use-after-free, double-free, attempting free on address which was not malloc()-ed, heap-buffer-overflow, data race, SEGV, runtime error … */
  readonly kind: string;
  /** The report's first line, without the ==pid== prefix. */
  readonly headline: string;
  readonly stacks: readonly SanitizerStack[];
  /** UBSan names its place on the headline itself. */
  readonly at?: { readonly file: string; readonly line: number };
}

const ASAN = /^==\d+==ERROR: AddressSanitizer: (\S+)(.*)$/;
const TSAN = /^WARNING: ThreadSanitizer: (.+?)(?: \(pid=\d+\))?$/;
const UBSAN = /^(\S+?):(\d+):(\d+): runtime error: (.*)$/;
const FRAME = /^\s*#(\d+)\s+(?:(0x[0-9a-f]+) in )?(\S+)(?:\s+(.*))?$/;
const FILE_LINE = /^(\S+?):(\d+)(?::\d+)?(?:\s|$)/;
const MODULE = /^\(([^+)]+)\+0x[0-9a-f]+\)$/;

function file(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function parseFrame(line: string, cwd: string): StackFrame | undefined {
  const m = FRAME.exec(line);
  if (!m) return undefined;
  const rest = m[4] ?? '';
  const fl = FILE_LINE.exec(rest);
  const mod = MODULE.exec(rest);
  return {
    index: Number(m[1]),
    function: m[3] === '<null>' ? null : m[3]!,
    file: fl ? file(fl[1]!, cwd) : null,
    line: fl ? Number(fl[2]) : null,
    address: m[2] ?? null,
    library: !fl && mod ? mod[1]! : null,
    args: '',
  };
}

/** Every report in a sanitized run's stderr; relative paths are resolved against `cwd` (where it was compiled). */
export function parseSanitizerOutput(text: string, cwd: string): SanitizerReport[] {
  const reports: SanitizerReport[] = [];
  let current:
    | {
        tool: SanitizerTool;
        kind: string;
        headline: string;
        stacks: { title: string; frames: StackFrame[] }[];
        at?: { file: string; line: number };
      }
    | undefined;
  let stack: { title: string; frames: StackFrame[] } | undefined;
  const start = (r: NonNullable<typeof current>): void => {
    current = r;
    reports.push(r);
    stack = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const asan = ASAN.exec(line);
    if (asan) {
      start({ tool: 'address', kind: asan[1]!, headline: `AddressSanitizer: ${asan[1]}${asan[2]}`, stacks: [] });
      continue;
    }
    const tsan = TSAN.exec(line);
    if (tsan) {
      start({ tool: 'thread', kind: tsan[1]!, headline: `ThreadSanitizer: ${tsan[1]}`, stacks: [] });
      continue;
    }
    const ub = UBSAN.exec(line);
    if (ub) {
      start({
        tool: 'undefined',
        kind: 'runtime error',
        headline: `runtime error: ${ub[4]}`,
        stacks: [],
        at: { file: file(ub[1]!, cwd), line: Number(ub[2]) },
      });
      continue;
    }
    if (!current) continue;
    if (/^SUMMARY: /.test(line)) {
      current = undefined;
      continue;
    }
    const frame = parseFrame(line, cwd);
    if (frame) {
      if (!stack) {
        // Frames straight after the headline (UBSan, ASan's SEGV): the stack of the report itself.
        stack = { title: current.headline, frames: [] };
        current.stacks.push(stack);
      }
      stack.frames.push(frame);
      continue;
    }
    const title = line.trim().replace(/:$/, '');
    // A stack's title: ASan's "READ of size …", "freed by thread T0 here:", TSan's "Write of size … by thread T1:".
    if (/^(READ|WRITE) of size|by thread .*:$|by main thread.*:$|here:$|^\s*(Read|Write|Previous|Atomic)/.test(line)) {
      stack = { title, frames: [] };
      current.stacks.push(stack);
    } else if (line.trim() === '') stack = undefined;
  }
  return reports.map((r) => ({ ...r, stacks: r.stacks.filter((s) => s.frames.length > 0) }));
}

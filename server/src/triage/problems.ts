// A crash report as an editor problem: at the innermost frame inside the
// workspace, with every frame that has a line as related information.
import { crashHeadline, frameText, innermostWorkspaceFrame, primaryStack, type CrashReport } from './report';

export interface CrashLocation {
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

export interface CrashProblem extends CrashLocation {
  /** The stack, innermost first: each frame with a file and line. */
  readonly related: readonly CrashLocation[];
  /** What the report lacks (gdb, ptrace, debug information), in words. */
  readonly notes: readonly string[];
}

/** The problem to show for a report, or undefined when no frame lies in the workspace. */
export function crashProblem(report: CrashReport, root: string, label?: string): CrashProblem | undefined {
  const stack = primaryStack(report, root);
  const at = innermostWorkspaceFrame(stack, root);
  if (!stack || !at) return undefined;
  const seed = report.run.seed !== null ? `, seed ${report.run.seed}` : '';
  return {
    file: at.file!,
    line: at.line!,
    message: `${label ? `${label}: ` : ''}${crashHeadline(report)} — ${report.run.command.join(' ')}${seed}`,
    related: stack.frames.flatMap((f) => (f.file && f.line ? [{ file: f.file, line: f.line, message: frameText(f) }] : [])),
    notes: report.problems,
  };
}

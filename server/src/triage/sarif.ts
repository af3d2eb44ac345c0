// A crash report as SARIF: one result at the innermost frame in the workspace,
// the rest of the crashed thread's stack as related locations.
import { sarifLog, type SarifLocationInput } from '../util/sarif';
import type { CrashProblem } from './problems';
import { crashHeadline, frameText, innermostWorkspaceFrame, primaryStack, type CrashReport, type StackFrame } from './report';

const RULES = [
  { id: 'crash', description: 'The program died by a signal (SIGSEGV, SIGBUS …)', level: 'error' as const },
  { id: 'abort', description: 'The program aborted (a failed check, SIGABRT)', level: 'error' as const },
  { id: 'hang', description: 'The program was still running at its timeout', level: 'error' as const },
];

function frameLocation(f: StackFrame): SarifLocationInput | undefined {
  return f.file && f.line ? { path: f.file, region: { startLine: f.line }, message: frameText(f) } : undefined;
}

export function crashSarif(report: CrashReport | undefined, root: string): string {
  const thread = report ? primaryStack(report, root) : undefined;
  const at = innermostWorkspaceFrame(thread, root);
  const results =
    report && at
      ? [
          {
            ruleId: report.kind,
            level: 'error' as const,
            message: `${crashHeadline(report)} (${report.run.command.join(' ')})`,
            location: frameLocation(at)!,
            related: (thread?.frames ?? []).flatMap((f) => frameLocation(f) ?? []),
          },
        ]
      : [];
  const notifications = (report?.problems ?? []).map((p) => ({ id: 'capture', message: p }));
  if (report && !at) notifications.push({ id: 'capture', message: `${crashHeadline(report)}: no frame lies in ${root}` });
  return sarifLog({ root, rules: RULES, results, notifications });
}

const SANITIZER_RULE = { id: 'sanitizer', description: 'A sanitizer (ASan, UBSan, TSan) report', level: 'error' as const };

/** Sanitizer reports located in the workspace, each with its stacks as related locations. */
export function problemsSarif(problems: readonly CrashProblem[], root: string, notes: readonly string[]): string {
  return sarifLog({
    root,
    rules: [SANITIZER_RULE],
    results: problems.map((p) => ({
      ruleId: SANITIZER_RULE.id,
      level: 'error' as const,
      message: p.message,
      location: { path: p.file, region: { startLine: p.line } },
      related: p.related.map((r) => ({ path: r.file, region: { startLine: r.line }, message: r.message })),
    })),
    notifications: notes.map((n) => ({ id: 'sanitizer', message: n })),
  });
}

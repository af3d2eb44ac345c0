import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../analysis/findings';
import type { Span } from '../facts/types';
import type { Severity } from '../rules/codes';

export const DIAGNOSTIC_SOURCE = 'hakmem';
export const INACTIVE_MESSAGE = 'Compiled out in the release build';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function rangeOf(span: Span): Diagnostic['range'] {
  return { start: { line: span.line, character: span.column }, end: { line: span.endLine, character: span.endColumn } };
}

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

export function findingToDiagnostic(finding: Finding): Diagnostic {
  return {
    range: rangeOf(finding.span),
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.code,
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({ location: { uri: uriOf(r.path), range: rangeOf(r.span) }, message: r.message })),
    // The analysis computed the fix; the code action handler only has the diagnostic to go on.
    ...(finding.fix
      ? {
          data: {
            fix: { title: finding.fix.title, edits: finding.fix.edits.map((e) => ({ range: rangeOf(e.span), newText: e.newText })) },
          },
        }
      : {}),
  };
}

/** Lines the build compiles out, as faded hints (the editor renders Unnecessary as dimmed text). */
export function inactiveDiagnostics(
  ranges: ReadonlyArray<{ startLine: number; endLine: number }>,
  lineLength: (line: number) => number,
  build: string,
): Diagnostic[] {
  return ranges.map((r) => ({
    range: { start: { line: r.startLine, character: 0 }, end: { line: r.endLine, character: lineLength(r.endLine) } },
    severity: DiagnosticSeverity.Hint,
    source: DIAGNOSTIC_SOURCE,
    code: 'inactive',
    message: build === 'release' ? INACTIVE_MESSAGE : `Compiled out in the ${build} build`,
    tags: [DiagnosticTag.Unnecessary],
  }));
}

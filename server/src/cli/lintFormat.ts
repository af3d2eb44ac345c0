import { relative } from 'node:path';
import type { Finding } from '../analysis/findings';
import type { LintResult } from '../analysis/lint';
import { RULES } from '../rules';
import type { Severity } from '../rules/codes';
import { sarifLog, type SarifLevel, type SarifRegion } from '../util/sarif';

function rel(result: LintResult, path: string): string {
  return relative(result.root, path).split('\\').join('/') || path;
}

/** The JSON contract of DESIGN.md: 1-based lines and columns, paths relative to the workspace root. */
export function lintJson(result: LintResult): string {
  return JSON.stringify(
    {
      version: 1,
      diagnostics: result.findings.map((f) => ({
        file: rel(result, f.path),
        line: f.span.line + 1,
        column: f.span.column + 1,
        endLine: f.span.endLine + 1,
        endColumn: f.span.endColumn + 1,
        severity: f.severity,
        code: f.code,
        message: f.message,
        related: f.related.map((r) => ({
          file: rel(result, r.path),
          line: r.span.line + 1,
          column: r.span.column + 1,
          message: r.message,
        })),
      })),
      notices: result.notices.map((n) => ({
        code: n.code,
        message: `${n.message}; ${n.hint}`,
        entryPoints: n.entryPoints,
        reachable: n.reachable,
        functions: n.functions,
      })),
    },
    null,
    2,
  );
}

const SARIF_LEVEL: Record<Severity, SarifLevel> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

function sarifRegion(span: Finding['span']): SarifRegion {
  return { startLine: span.line + 1, startColumn: span.column + 1, endLine: span.endLine + 1, endColumn: span.endColumn + 1 };
}

/** SARIF 2.1.0 for code-scanning uploads; the call chain becomes relatedLocations. */
export function lintSarif(result: LintResult): string {
  return sarifLog({
    root: result.root,
    rules: RULES.map((rule) => ({ id: rule.code, description: rule.description, level: SARIF_LEVEL[rule.defaultSeverity] })),
    notifications: result.notices.map((n) => ({ id: n.code, message: `${n.message}; ${n.hint}` })),
    results: result.findings.map((f) => ({
      ruleId: f.code,
      level: SARIF_LEVEL[f.severity],
      message: f.message,
      location: { path: f.path, region: sarifRegion(f.span) },
      related: f.related.map((r) => ({ path: r.path, region: sarifRegion(r.span), message: r.message })),
    })),
  });
}

/** The notices of a text-mode run, for stderr: the findings on stdout stay machine-readable. */
export function lintNoticesText(result: LintResult): string {
  return result.notices.map((n) => `hakmem lint: note: ${n.message}\n    ${n.hint}\n`).join('');
}

/** Compiler-style lines (clickable in terminals and editors), the chain under each, and a summary. */
export function lintText(result: LintResult): string {
  const lines: string[] = [];
  for (const f of result.findings) {
    lines.push(`${rel(result, f.path)}:${f.span.line + 1}:${f.span.column + 1}: ${f.severity}: ${f.message} [${f.code}]`);
    const chain = f.related.map((r) => r.message).join('; ');
    if (chain) lines.push(`    why: ${chain}`);
  }
  for (const s of result.skipped) lines.push(`note: skipped ${rel(result, s.path)} (${s.reason})`);
  const count = (sev: Severity): number => result.findings.filter((f) => f.severity === sev).length;
  const files = new Set(result.findings.map((f) => f.path)).size;
  lines.push(
    result.findings.length === 0
      ? `hakmem lint: no findings in ${result.files} files (${rel(result, result.root) === result.root ? result.root : '.'})`
      : `hakmem lint: ${result.findings.length} findings (${count('error')} errors, ${count('warning')} warnings, ${count('information') + count('hint')} notes) in ${files} of ${result.files} files`,
  );
  return lines.join('\n') + '\n';
}

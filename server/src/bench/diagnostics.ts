// Compiler diagnostics from build output (gcc and clang share the format
// `file:line:col: severity: message`), so build errors can be shown at their line.
import { isAbsolute, resolve } from 'node:path';

export interface BuildDiagnostic {
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based; 1 when the compiler gave no column. */
  readonly column: number;
  readonly severity: 'error' | 'warning' | 'note';
  readonly message: string;
}

const DIAGNOSTIC = /^(?<file>[^:\n]+?):(?<line>\d+):(?:(?<column>\d+):)? (?<severity>fatal error|error|warning|note): (?<message>.*)$/;

// gcc/clang colour codes, in case the build forces -fdiagnostics-color.
// eslint-disable-next-line no-control-regex -- ESC is what the pattern is about
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Parses every diagnostic line; relative paths are resolved against the build's directory. */
export function parseBuildDiagnostics(output: string, cwd: string): BuildDiagnostic[] {
  const found: BuildDiagnostic[] = [];
  for (const raw of output.split('\n')) {
    const m = DIAGNOSTIC.exec(raw.replace(ANSI, '').trimEnd());
    if (!m?.groups) continue;
    const g = m.groups;
    const severity = g['severity'] === 'fatal error' ? 'error' : (g['severity'] as BuildDiagnostic['severity']);
    const file = g['file']!;
    found.push({
      file: isAbsolute(file) ? file : resolve(cwd, file),
      line: Number(g['line']),
      column: g['column'] !== undefined ? Number(g['column']) : 1,
      severity,
      message: g['message']!,
    });
  }
  return found;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `code` or `code (severity)`, separated by commas or spaces. */
const MARKER = /expect:\s*([a-z][a-z-]*(?:\s*\([a-z]+\))?(?:[\s,]+[a-z][a-z-]*(?:\s*\([a-z]+\))?)*)/;
const ENTRY = /([a-z][a-z-]*)(?:\s*\(([a-z]+)\))?/g;

interface Marker {
  readonly key: string;
  readonly code: string;
  readonly severity?: string;
}

function markers(dir: string): Marker[] {
  const out: Marker[] = [];
  for (const name of readdirSync(dir).filter((n) => /\.(c|h)$/.test(n))) {
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = MARKER.exec(line);
        if (!m) return;
        for (const e of m[1]!.matchAll(ENTRY)) {
          out.push({ key: `${name}:${i + 1}:${e[1]!}`, code: e[1]!, ...(e[2] ? { severity: e[2] } : {}) });
        }
      });
  }
  return out;
}

/**
 * The findings a fixture folder expects: `// expect: code[, code]` on a line of
 * its .c/.h files, as "file:line:code" (1-based), sorted; only `codes` when given.
 * A severity in parentheses (`// expect: hot-path-syscall (information)`) is
 * checked by expectedSeverities.
 */
export function expectedFindings(dir: string, codes?: ReadonlySet<string>): string[] {
  return markers(dir)
    .filter((m) => !codes || codes.has(m.code))
    .map((m) => m.key)
    .sort();
}

/** "file:line:code" → severity, for the markers that name one. */
export function expectedSeverities(dir: string): Map<string, string> {
  return new Map(markers(dir).flatMap((m) => (m.severity ? [[m.key, m.severity] as [string, string]] : [])));
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The findings a fixture folder expects: `// expect: code[, code]` on a line of
 * its .c/.h files, as "file:line:code" (1-based), sorted; only `codes` when given.
 */
export function expectedFindings(dir: string, codes?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).filter((n) => /\.(c|h)$/.test(n))) {
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const m = /expect:\s*([a-z][a-z-]*(?:[\s,]+[a-z][a-z-]*)*)/.exec(line);
        if (!m) return;
        for (const code of m[1]!.split(/[\s,]+/).filter(Boolean)) if (!codes || codes.has(code)) out.push(`${name}:${i + 1}:${code}`);
      });
  }
  return out.sort();
}

import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * The findings a fixture tree expects, as "relative/path:line:code" (1-based),
 * sorted: `// expect: code` everywhere, and `// expect-without-config: code`
 * too when the tree is linted without a .hakmem.json (platform folders that
 * `hakmem init` excludes).
 */
export function expectedTreeFindings(root: string, options: { withoutConfig: boolean }): string[] {
  const out: string[] = [];
  const marker = options.withoutConfig
    ? /expect(?:-without-config)?:\s*([a-z][a-z-]*(?:[\s,]+[a-z][a-z-]*)*)/
    : /expect:\s*([a-z][a-z-]*(?:[\s,]+[a-z][a-z-]*)*)/;
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        visit(full);
        continue;
      }
      if (!/\.(c|h)$/.test(name)) continue;
      readFileSync(full, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const m = marker.exec(line);
          if (!m) return;
          for (const code of m[1]!.split(/[\s,]+/).filter(Boolean))
            out.push(`${relative(root, full).split('\\').join('/')}:${i + 1}:${code}`);
        });
    }
  };
  visit(root);
  return out.sort();
}

/** A scratch copy of a fixture tree without any .hakmem.json (removed with the returned function). */
export function scratchCopy(tree: string, prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(tree, dir, { recursive: true, filter: (src) => !src.endsWith('.hakmem.json') });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A tree of `count` functions where only a `free` wrapper and one helper are reachable from any entry point. */
export const SPARSE_TREE_FUNCTIONS = 42;
export function sparseTreeFiles(): Record<string, string> {
  const pool: string[] = ['#include <stddef.h>', 'static void *pool_head;'];
  for (let i = 0; i < SPARSE_TREE_FUNCTIONS - 2; i++)
    pool.push(`void *arena_op_${i}(void *a, size_t n) { (void)n; return a ? arena_op_${Math.max(0, i - 1)}(NULL, n) : pool_head; }`);
  return {
    'arena.c': pool.join('\n') + '\n',
    'wrap.c': '#include <stddef.h>\nstatic void note_release(void *p) { (void)p; }\nvoid free(void *p) { note_release(p); }\n',
  };
}

/**
 * A generated allocator-shaped source tree for the lint figures, modelled on
 * jemalloc's src/ + include/ (202 files, 1.9 MB): per 200 files, one component
 * of about 90 headers (include guards, macros, static inline helpers, debug
 * blocks) behind an umbrella header that every source includes (thousands of
 * header inclusions), plus a few headers shared by every component. Larger
 * trees are more components, so the bytes and the inclusions grow linearly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files per component: a jemalloc-sized unit. */
const COMPONENT_FILES = 200;
const HEADERS_PER_COMPONENT = 90;
/** Inline helpers per header and functions per source: about 9.5 KB per file, like jemalloc's average. */
const INLINES_PER_HEADER = 20;
const FUNCTIONS_PER_SOURCE = 22;

export interface GeneratedTree {
  readonly files: number;
  readonly bytes: number;
  /** `#include`s of the tree's own headers, counted in the sources and headers written. */
  readonly inclusions: number;
}

function commonHeaders(): Array<[string, string]> {
  const config = [
    '#ifndef AL_CONFIG_H',
    '#define AL_CONFIG_H',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '#include <stdio.h>',
    '#define al_likely(x) __builtin_expect(!!(x), 1)',
    // mimalloc's shape: the macro brings its own parentheses, so sources may write `if al_unlikely(c) {`.
    '#define al_unlikely(x) (__builtin_expect(!!(x), 0))',
    '#define AL_ATTR(s) __attribute__((s))',
    '#define AL_COLD AL_ATTR(cold)',
    '#define AL_NOINLINE AL_ATTR(noinline)',
    '#define al_inline static inline AL_ATTR(always_inline)',
    '#ifdef AL_DEBUG',
    'static const int al_config_debug = 1;',
    '#define al_assert(e) do { if (al_unlikely(!(e))) { fprintf(stderr, "assert %s\\n", #e); } } while (0)',
    '#else',
    'static const int al_config_debug = 0;',
    '#define al_assert(e) ((void)0)',
    '#endif',
    '#if !HAKMEM_BUILD_RELEASE',
    '#define AL_TRACE(...) fprintf(stderr, __VA_ARGS__)',
    '#else',
    '#define AL_TRACE(...) ((void)0)',
    '#endif',
    '#endif',
    '',
  ].join('\n');
  const atomic = [
    '#ifndef AL_ATOMIC_H',
    '#define AL_ATOMIC_H',
    '#include "al_config.h"',
    'typedef struct { size_t repr; } al_atomic_zu_t;',
    'al_inline size_t al_atomic_load_zu(al_atomic_zu_t *a) { return __atomic_load_n(&a->repr, __ATOMIC_ACQUIRE); }',
    'al_inline void al_atomic_add_zu(al_atomic_zu_t *a, size_t n) { __atomic_fetch_add(&a->repr, n, __ATOMIC_RELAXED); }',
    '#endif',
    '',
  ].join('\n');
  return [
    ['al_config.h', config],
    ['al_atomic.h', atomic],
  ];
}

function header(c: number, h: number): string {
  const guard = `C${c}_H${h}_H`;
  const out = [`#ifndef ${guard}`, `#define ${guard}`, '#include "al_config.h"', '#include "al_atomic.h"'];
  if (h > 0) out.push(`#include "c${c}_h${h - 1}.h"`);
  out.push(
    `#define C${c}_H${h}_SHIFT ${(h % 9) + 3}`,
    `#define C${c}_H${h}_MASK ((1u << C${c}_H${h}_SHIFT) - 1)`,
    `#define c${c}_h${h}_round(n) (((n) + C${c}_H${h}_MASK) & ~(size_t)C${c}_H${h}_MASK)`,
    `typedef struct c${c}_h${h}_s {`,
    '  void *next;',
    '  size_t nfree;',
    '  al_atomic_zu_t nrequests;',
    `} c${c}_h${h}_t;`,
    `extern c${c}_h${h}_t c${c}_h${h}_global;`,
    `void c${c}_h${h}_boot(void);`,
    `AL_COLD void c${c}_h${h}_report(const char *why);`,
    '',
  );
  for (let k = 0; k < INLINES_PER_HEADER; k++) {
    const fn = `c${c}_h${h}_op${k}`;
    out.push(
      `al_inline size_t ${fn}(c${c}_h${h}_t *s, size_t n) {`,
      `  al_assert(s != NULL);`,
      `  size_t r = c${c}_h${h}_round(n + ${k});`,
      '  if (al_unlikely(s->nfree == 0)) {',
      `    c${c}_h${h}_report("${fn}: empty");`,
      '    return 0;',
      '  }',
      '#ifdef AL_DEBUG',
      `  AL_TRACE("${fn} %zu\\n", r);`,
      '#endif',
      '  for (size_t i = 0; i < (r & 7); i++) {',
      `    r = (r * ${k + 3}) ^ (r >> ${(k % 5) + 1});`,
      '  }',
      '  s->nfree--;',
      '  al_atomic_add_zu(&s->nrequests, 1);',
      '  return r;',
      '}',
      '',
    );
  }
  out.push(`#endif /* ${guard} */`, '');
  return out.join('\n');
}

function umbrella(c: number): string {
  const out = [`#ifndef C${c}_INTERNAL_H`, `#define C${c}_INTERNAL_H`];
  for (let h = 0; h < HEADERS_PER_COMPONENT; h++) out.push(`#include "c${c}_h${h}.h"`);
  out.push('#endif', '');
  return out.join('\n');
}

function source(c: number, s: number, sources: number, components: number): string {
  const h = s % HEADERS_PER_COMPONENT;
  const out = [
    `#include "../include/c${c}_internal.h"`,
    `#include "../include/c${c}_h${h}.h"`,
    '',
    `c${c}_h${h}_t c${c}_h${h}_global;`,
    `static unsigned long c${c}_s${s}_calls;`,
    '',
  ];
  // A shallow call graph like a real allocator's: f0 fans out to the file's other functions and to two
  // other files' f0 (a binary tree over the component); malloc reaches every component's first file.
  const callees = (k: number): string[] =>
    k > 0
      ? []
      : [1, 2]
          .map((d) => 2 * s + d)
          .filter((t) => t < sources)
          .map((t) => `c${c}_s${t}_f0(n)`);
  for (let k = FUNCTIONS_PER_SOURCE - 1; k >= 0; k--) {
    const fn = `c${c}_s${s}_f${k}`;
    const next = k === 0 ? Array.from({ length: FUNCTIONS_PER_SOURCE - 1 }, (_, j) => `c${c}_s${s}_f${j + 1}(n)`) : [];
    const calls = [...next, ...callees(k)].map((call) => `  (void)${call};`);
    out.push(
      `void *${fn}(size_t n) {`,
      ...(k === 0 ? [`  c${c}_s${s}_calls++;`] : []),
      `  size_t r = c${c}_h${h}_op${k % INLINES_PER_HEADER}(&c${c}_h${h}_global, n);`,
      '  if al_unlikely(r == 0) {',
      `    AL_TRACE("${fn}: refill %zu\\n", n);`,
      `    c${c}_h${h}_boot();`,
      '  }',
      '  if (al_config_debug) {',
      `    fprintf(stderr, "${fn} %zu\\n", r);`,
      '  }',
      '  switch (r & 3) {',
      '  case 0: r += 1; break;',
      '  case 1: r <<= 1; break;',
      '  default: break;',
      '  }',
      ...calls,
      `  return r > ${k + 64} ? (void *)0 : (void *)c${c}_h${h}_global.next;`,
      '}',
      '',
    );
  }
  if (s === 0) {
    out.push(`AL_COLD void c${c}_h${h}_report(const char *why) {`, '  fprintf(stderr, "%s\\n", why);', '}', '');
    out.push(`void c${c}_h${h}_boot(void) {`, `  c${c}_h${h}_global.nfree = 64;`, '}', '');
  }
  if (c === 0 && s === 0) {
    out.push('void *malloc(size_t n) {');
    for (let other = 0; other < components; other++) out.push(`  (void)c${other}_s0_f0(n);`);
    out.push('  return (void *)0;', '}', '');
  }
  return out.join('\n');
}

/** Writes a tree of about `files` files into `dir` (with a .hakmem.json naming the shared include folder). */
export function writeAllocatorTree(dir: string, files: number): GeneratedTree {
  const components = Math.max(1, Math.round(files / COMPONENT_FILES));
  const sourcesPerComponent = COMPONENT_FILES - HEADERS_PER_COMPONENT - 1;
  let bytes = 0;
  let count = 0;
  let inclusions = 0;
  const write = (path: string, text: string): void => {
    writeFileSync(path, text);
    bytes += Buffer.byteLength(text);
    count++;
    inclusions += (text.match(/^#include "/gm) ?? []).length;
  };
  mkdirSync(join(dir, 'include'), { recursive: true });
  for (const [name, text] of commonHeaders()) write(join(dir, 'include', name), text);
  for (let c = 0; c < components; c++) {
    const inc = join(dir, `c${c}`, 'include');
    const src = join(dir, `c${c}`, 'src');
    mkdirSync(inc, { recursive: true });
    mkdirSync(src, { recursive: true });
    for (let h = 0; h < HEADERS_PER_COMPONENT; h++) write(join(inc, `c${c}_h${h}.h`), header(c, h));
    write(join(inc, `c${c}_internal.h`), umbrella(c));
    for (let s = 0; s < sourcesPerComponent; s++) write(join(src, `c${c}_s${s}.c`), source(c, s, sourcesPerComponent, components));
  }
  writeFileSync(join(dir, '.hakmem.json'), JSON.stringify({ includePaths: ['include'] }));
  return { files: count, bytes, inclusions };
}

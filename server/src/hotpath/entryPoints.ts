import { GlobSet } from '../util/glob';

/**
 * Why a function is an entry point of the hot path: named by a pattern
 * (.hakmem.json or the defaults), declared with an allocation attribute, or
 * a member of a prefix family (`mi_malloc`/`mi_free`, `rpmalloc`/`rpfree`).
 */
export type EntryReason = 'pattern' | 'allocation attribute' | 'prefix family';

export interface EntryPoint {
  readonly name: string;
  readonly reason: EntryReason;
  /** The family's prefix (`mi_`, `rp`), for a prefix family member. */
  readonly prefix?: string;
}

/** What a defined function looks like to entry-point recognition. */
export interface EntryCandidate {
  readonly name: string;
  readonly isStatic: boolean;
}

export interface EntryPointOptions {
  /** Glob patterns over function names (configured, or the defaults). */
  readonly patterns: readonly string[];
  /** Also recognise attributed functions and prefix families (off when .hakmem.json lists entryPoints itself). */
  readonly recognise: boolean;
  /** Functions declared somewhere with `__attribute__((malloc))` or `alloc_size`. */
  readonly attributed?: ReadonlySet<string>;
}

/** Suffixes that allocate, in the order chains should start from them. */
export const ALLOCATING_SUFFIXES: readonly string[] = [
  'malloc',
  'calloc',
  'realloc',
  'zalloc',
  'mallocx',
  'rallocx',
  'xallocx',
  'aligned_alloc',
  'memalign',
  'posix_memalign',
  'valloc',
  'pvalloc',
  'reallocarray',
  'reallocf',
  'malloc_aligned',
  'realloc_aligned',
];
/** Suffixes that release. */
export const RELEASING_SUFFIXES: readonly string[] = [
  'free',
  'dallocx',
  'sdallocx',
  'free_size',
  'free_sized',
  'free_aligned',
  'free_size_aligned',
  'free_aligned_sized',
];
/** Members of a family that neither allocate nor release, but are public API on the same paths. */
const OTHER_SUFFIXES: readonly string[] = ['malloc_usable_size', 'usable_size', 'malloc_size', 'nallocx'];
const FAMILY_SUFFIXES = [...ALLOCATING_SUFFIXES, ...RELEASING_SUFFIXES, ...OTHER_SUFFIXES];

/** `mi_malloc` → [`mi_`, `malloc`]: every way the name ends in a family suffix, longest suffix first. */
function splits(name: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const suffix of FAMILY_SUFFIXES) {
    if (name.length > suffix.length && name.endsWith(suffix)) out.push([name.slice(0, -suffix.length), suffix]);
  }
  return out.sort((a, b) => b[1].length - a[1].length);
}

/**
 * Prefix families among the defined functions: a prefix counts when it has a
 * public (non-static) allocating and a public releasing member. A prefix that
 * starts with `_` marks internal names by C convention and is not a family.
 */
export function prefixFamilies(candidates: readonly EntryCandidate[]): Map<string, string[]> {
  const byPrefix = new Map<string, Array<{ name: string; suffix: string; isStatic: boolean }>>();
  for (const c of candidates) {
    for (const [prefix, suffix] of splits(c.name)) {
      if (prefix.startsWith('_')) continue;
      let list = byPrefix.get(prefix);
      if (!list) byPrefix.set(prefix, (list = []));
      if (!list.some((m) => m.name === c.name)) list.push({ name: c.name, suffix, isStatic: c.isStatic });
    }
  }
  const families = new Map<string, string[]>();
  for (const [prefix, members] of byPrefix) {
    const allocates = members.some((m) => !m.isStatic && ALLOCATING_SUFFIXES.includes(m.suffix));
    const releases = members.some((m) => !m.isStatic && RELEASING_SUFFIXES.includes(m.suffix));
    if (!allocates || !releases) continue;
    const rank = (suffix: string): number => FAMILY_SUFFIXES.indexOf(suffix);
    families.set(
      prefix,
      members
        .filter((m) => !m.isStatic)
        .sort((a, b) => rank(a.suffix) - rank(b.suffix))
        .map((m) => m.name),
    );
  }
  return families;
}

/**
 * The entry points among the defined functions, in the order chains should
 * start from: pattern matches (in pattern order), then prefix families, then
 * attributed functions. Each function appears once, with its first reason.
 */
export function selectEntryPoints(candidates: readonly EntryCandidate[], options: EntryPointOptions): EntryPoint[] {
  const out: EntryPoint[] = [];
  const taken = new Set<string>();
  const add = (entry: EntryPoint): void => {
    if (taken.has(entry.name)) return;
    taken.add(entry.name);
    out.push(entry);
  };
  const patterns = options.patterns.map((p) => new GlobSet([p]));
  const names = [...new Set(candidates.map((c) => c.name))];
  const rank = (name: string): number => patterns.findIndex((p) => p.matches(name));
  for (const name of names.filter((n) => rank(n) >= 0).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)))
    add({ name, reason: 'pattern' });
  if (!options.recognise) return out;
  const families = [...prefixFamilies(candidates)].sort((a, b) => a[0].localeCompare(b[0]));
  for (const [prefix, members] of families) for (const name of members) add({ name, reason: 'prefix family', prefix });
  const defined = new Set(names);
  for (const name of [...(options.attributed ?? [])].filter((n) => defined.has(n)).sort()) add({ name, reason: 'allocation attribute' });
  return out;
}

/** "mi_malloc (prefix family mi_)" — how a notice or `hakmem init` names an entry point. */
export function describeEntryPoint(entry: EntryPoint): string {
  switch (entry.reason) {
    case 'pattern':
      return entry.name;
    case 'prefix family':
      return `${entry.name} (prefix family ${entry.prefix ?? ''}*)`;
    case 'allocation attribute':
      return `${entry.name} (allocation attribute)`;
  }
}

/**
 * Debug guard macros: names tested by #if/#ifdef that switch debug code,
 * statistics, assertions or tracing, with the value a release build gives them.
 */
export interface GuardMacro {
  readonly name: string;
  /** The release build's value; undefined means "not defined". */
  readonly release: string | undefined;
  /** The debug build's value; undefined means "not defined". */
  readonly debug: string | undefined;
  /** How many conditionals test it. */
  readonly uses: number;
}

const GUARD_NAME = /DEBUG|STAT|ASSERT|TRACE|RELEASE|VALIDATE|PARANOID/;
/** Statics and states are not statistics; include guards are not debug switches. */
const NOT_A_GUARD = /STATIC|STATE|STATUS|(_H|_H_|_HPP|_INCLUDED_?)$/;
const DIRECTIVE = /^[ \t]*#[ \t]*(if|elif|ifdef|ifndef|elifdef|elifndef)\b(.*)$/gm;

interface Use {
  /** Read as a number in #if (not only through defined()). */
  value: boolean;
  /** The largest integer it is compared with. */
  maxCompared: number;
  /** Conditionals that test it. */
  count: number;
}

function isGuardName(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) && !name.startsWith('__') && GUARD_NAME.test(name) && !NOT_A_GUARD.test(name);
}

/** Records how one directive uses guard-looking names. */
function readDirective(kind: string, condition: string, uses: Map<string, Use>): void {
  const text = condition.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '');
  const use = (name: string): Use => {
    let u = uses.get(name);
    if (!u) uses.set(name, (u = { value: false, maxCompared: 0, count: 0 }));
    u.count++;
    return u;
  };
  if (kind.endsWith('def') || kind.endsWith('ndef')) {
    const name = /[A-Za-z_]\w*/.exec(text)?.[0];
    if (name && isGuardName(name)) use(name);
    return;
  }
  const definedNames = new Set<string>();
  for (const m of text.matchAll(/\bdefined\s*\(?\s*([A-Za-z_]\w*)/g)) definedNames.add(m[1]!);
  const withoutDefined = text.replace(/\bdefined\s*\(?\s*[A-Za-z_]\w*\s*\)?/g, ' ');
  for (const name of definedNames) if (isGuardName(name)) use(name);
  for (const m of withoutDefined.matchAll(/\b([A-Za-z_]\w*)\b(?:\s*(?:[<>]=?|==|!=)\s*\(?\s*(\d+))?/g)) {
    const name = m[1]!;
    if (!isGuardName(name)) continue;
    const u = use(name);
    u.value = true;
    if (m[2] !== undefined) u.maxCompared = Math.max(u.maxCompared, Number(m[2]));
  }
}

/** The guard macros of a set of sources, with release and debug values, by name. */
export function findGuardMacros(texts: Iterable<string>): GuardMacro[] {
  const uses = new Map<string, Use>();
  for (const text of texts) for (const m of text.matchAll(DIRECTIVE)) readDirective(m[1]!, m[2] ?? '', uses);
  const out: GuardMacro[] = [];
  for (const [name, use] of [...uses].sort((a, b) => a[0].localeCompare(b[0]))) {
    const uses = use.count;
    if (name === 'NDEBUG' || /^N[A-Z]*DEBUG$/.test(name)) out.push({ name, release: '1', debug: undefined, uses });
    else if (name.includes('RELEASE')) out.push({ name, release: '1', debug: '0', uses });
    else if (use.value) out.push({ name, release: '0', debug: String(use.maxCompared + 1), uses });
    else out.push({ name, release: undefined, debug: '1', uses });
  }
  if (!out.some((g) => g.name === 'NDEBUG')) out.unshift({ name: 'NDEBUG', release: '1', debug: undefined, uses: 0 });
  return out;
}

/** The #if line that is false in the release build, for one guard macro. */
function openingLine(g: GuardMacro): string {
  if (g.release === '1' && g.debug === undefined) return `#ifndef ${g.name}`;
  if (g.release === '1') return `#if !${g.name}`;
  if (g.release === '0') return `#if ${g.name}`;
  return `#ifdef ${g.name}`;
}

/**
 * The project's own guard, as messages and the quick fix should write it: the
 * most used release switch (…RELEASE), else the most used debug switch, else
 * NDEBUG; counters get the most used statistics switch when there is one.
 */
export function proposeGuard(guards: readonly GuardMacro[]): string | { readonly default: string; readonly 'hot-path-counter': string } {
  const most = (pick: (g: GuardMacro) => boolean): GuardMacro | undefined =>
    guards.filter((g) => pick(g) && g.uses > 0).sort((a, b) => b.uses - a.uses || a.name.localeCompare(b.name))[0];
  const main =
    most((g) => g.name.includes('RELEASE')) ??
    most((g) => /DEBUG/.test(g.name) && !/^N[A-Z]*DEBUG$/.test(g.name)) ??
    most((g) => g.name === 'NDEBUG');
  const opening = main ? openingLine(main) : '#ifndef NDEBUG';
  const stats = most((g) => /STAT/.test(g.name));
  return stats ? { default: opening, 'hot-path-counter': openingLine(stats) } : opening;
}

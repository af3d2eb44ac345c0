import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_SEVERITY, RULE_CODES, type RuleCode, type Severity } from '../rules/codes';

/** The release build's defines unless .hakmem.json says otherwise. */
export const DEFAULT_RELEASE_DEFINES: Readonly<Record<string, string>> = { HAKMEM_BUILD_RELEASE: '1', NDEBUG: '1' };
export const DEFAULT_DEBUG_DEFINES: Readonly<Record<string, string>> = { HAKMEM_BUILD_RELEASE: '0' };

export const DEFAULT_ENTRY_POINTS: readonly string[] = [
  'malloc',
  'free',
  'calloc',
  'realloc',
  'posix_memalign',
  'aligned_alloc',
  'memalign',
  'malloc_usable_size',
  'hak_alloc*',
  'hak_free*',
];

export const DEFAULT_COLD_PATTERNS: readonly string[] = [
  '*_init',
  '*_init_*',
  '*_shutdown',
  '*_fini',
  '*_dump*',
  '*_debug*',
  '*_print*',
  '*_report*',
];

export type BuildName = 'release' | 'debug';

/** A condition the release build makes false, as code is wrapped in it: `#if MI_DEBUG > 1` or `if (config_stats)`. */
export interface ReleaseGuard {
  /** What opens the guard, as written in messages and by the quick fix. */
  readonly text: string;
  /** `#if …` … `#endif`, or a C `if (…) { … }` on a static-const config value. */
  readonly kind: 'preprocessor' | 'if';
}

/** `#ifndef NDEBUG`, `if (config_debug)`, or a bare expression (`MI_DEBUG > 1`, taken as `#if MI_DEBUG > 1`). */
export function parseGuard(text: string): ReleaseGuard {
  const t = text.trim();
  if (/^if\s*\(/.test(t)) return { text: t, kind: 'if' };
  if (/^#\s*if(n?def)?\b/.test(t)) return { text: t.replace(/^#\s*/, '#'), kind: 'preprocessor' };
  return { text: `#if ${t}`, kind: 'preprocessor' };
}

export interface BuildDefines {
  readonly defines: Readonly<Record<string, string>>;
  readonly undefines: readonly string[];
}

/** Everything the engines need to know about a workspace, with defaults filled in. */
export interface HakmemConfig {
  /** Absolute workspace root (the folder holding .hakmem.json). */
  readonly root: string;
  readonly entryPoints: readonly string[];
  /**
   * Recognise entry points beyond the patterns: functions with an allocation
   * attribute and prefix families (mi_malloc/mi_free). On unless .hakmem.json
   * lists its own entryPoints.
   */
  readonly recogniseEntryPoints: boolean;
  /** The defaults plus .hakmem.json's coldPatterns (or only those, with coldPatternsReplaceDefaults). */
  readonly coldPatterns: readonly string[];
  readonly builds: Readonly<Record<BuildName, BuildDefines>>;
  readonly guardMacro: string;
  /** The project's release guard: per rule code (counters may use a stats guard), else `default`. */
  readonly guards: { readonly default: ReleaseGuard; readonly byRule: Readonly<Partial<Record<RuleCode, ReleaseGuard>>> };
  /** Absolute folders searched for #include "..." after the including file's folder. */
  readonly includePaths: readonly string[];
  readonly exclude: readonly string[];
  readonly severity: Readonly<Record<RuleCode, Severity | 'off'>>;
  /** Raw sections validated by their own engines (pointer analysis, benchmarks, profiling). */
  readonly pointers: unknown;
  readonly benchmarks: unknown;
  readonly profile: unknown;
}

export function defaultConfig(root: string): HakmemConfig {
  return {
    root,
    entryPoints: DEFAULT_ENTRY_POINTS,
    recogniseEntryPoints: true,
    coldPatterns: DEFAULT_COLD_PATTERNS,
    builds: {
      release: { defines: DEFAULT_RELEASE_DEFINES, undefines: [] },
      debug: { defines: DEFAULT_DEBUG_DEFINES, undefines: [] },
    },
    guardMacro: 'HAKMEM_BUILD_RELEASE',
    guards: { default: parseGuard('#if !HAKMEM_BUILD_RELEASE'), byRule: {} },
    includePaths: [],
    exclude: ['**/node_modules/**', '**/.git/**', '**/build/**'],
    severity: { ...DEFAULT_SEVERITY },
    pointers: undefined,
    benchmarks: undefined,
    profile: undefined,
  };
}

/** Builds a config from a raw object that already passed schema validation (bad keys removed). */
export function configFromRaw(root: string, raw: Record<string, unknown>): HakmemConfig {
  const base = defaultConfig(root);
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);
  const build = (v: unknown, fallback: BuildDefines): BuildDefines => {
    if (!v || typeof v !== 'object') return fallback;
    const o = v as { defines?: Record<string, unknown>; undefines?: unknown };
    const defines = o.defines
      ? Object.fromEntries(Object.entries(o.defines).map(([k, val]) => [k, val === true ? '1' : val === false ? '0' : String(val)]))
      : fallback.defines;
    return { defines, undefines: strings(o.undefines) ?? [] };
  };
  const severity = { ...base.severity };
  if (raw.rules && typeof raw.rules === 'object') {
    for (const [code, level] of Object.entries(raw.rules as Record<string, string>)) {
      if ((RULE_CODES as readonly string[]).includes(code)) severity[code as RuleCode] = level as Severity | 'off';
    }
  }
  const guardMacro = typeof raw.guardMacro === 'string' ? raw.guardMacro : base.guardMacro;
  const guards = { default: parseGuard(`#if !${guardMacro}`), byRule: {} as Partial<Record<RuleCode, ReleaseGuard>> };
  if (typeof raw.guard === 'string') guards.default = parseGuard(raw.guard);
  else if (raw.guard && typeof raw.guard === 'object') {
    for (const [key, value] of Object.entries(raw.guard as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      if (key === 'default') guards.default = parseGuard(value);
      else if ((RULE_CODES as readonly string[]).includes(key)) guards.byRule[key as RuleCode] = parseGuard(value);
    }
  }
  return {
    root,
    entryPoints: [...(strings(raw.entryPoints) ?? base.entryPoints), ...(strings(raw.extraEntryPoints) ?? [])],
    recogniseEntryPoints: strings(raw.entryPoints) === undefined,
    coldPatterns:
      raw.coldPatternsReplaceDefaults === true
        ? (strings(raw.coldPatterns) ?? [])
        : [...base.coldPatterns, ...(strings(raw.coldPatterns) ?? [])],
    builds: { release: build(raw.release, base.builds.release), debug: build(raw.debug, base.builds.debug) },
    guardMacro,
    guards,
    includePaths: (strings(raw.includePaths) ?? []).map((p) => (isAbsolute(p) ? p : resolve(root, p))),
    exclude: [...base.exclude, ...(strings(raw.exclude) ?? [])],
    severity,
    pointers: raw.pointers,
    benchmarks: raw.benchmarks,
    profile: raw.profile,
  };
}

/** The guard that keeps a rule's findings out of the release build, as this project writes it. */
export function guardFor(config: HakmemConfig, code: RuleCode): ReleaseGuard {
  return config.guards.byRule[code] ?? config.guards.default;
}

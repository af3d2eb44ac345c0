import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_SEVERITY, RULE_CODES, type RuleCode, type Severity } from '../rules/codes';

/** The release build's defines unless .hakmem.json says otherwise. */
export const DEFAULT_RELEASE_DEFINES: Readonly<Record<string, string>> = { HAKMEM_BUILD_RELEASE: '1', NDEBUG: '1' };
export const DEFAULT_DEBUG_DEFINES: Readonly<Record<string, string>> = { HAKMEM_BUILD_RELEASE: '0' };

export const DEFAULT_ENTRY_POINTS: readonly string[] = [
  'malloc', 'free', 'calloc', 'realloc', 'posix_memalign', 'aligned_alloc', 'memalign', 'malloc_usable_size',
  'hak_alloc*', 'hak_free*',
];

export const DEFAULT_COLD_PATTERNS: readonly string[] = [
  '*_init', '*_init_*', '*_shutdown', '*_fini', '*_dump*', '*_debug*', '*_print*', '*_report*',
];

export type BuildName = 'release' | 'debug';

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
  return {
    root,
    entryPoints: [...(strings(raw.entryPoints) ?? base.entryPoints), ...(strings(raw.extraEntryPoints) ?? [])],
    recogniseEntryPoints: strings(raw.entryPoints) === undefined,
    coldPatterns: raw.coldPatternsReplaceDefaults === true ? (strings(raw.coldPatterns) ?? []) : [...base.coldPatterns, ...(strings(raw.coldPatterns) ?? [])],
    builds: { release: build(raw.release, base.builds.release), debug: build(raw.debug, base.builds.debug) },
    guardMacro: typeof raw.guardMacro === 'string' ? raw.guardMacro : base.guardMacro,
    includePaths: (strings(raw.includePaths) ?? []).map((p) => (isAbsolute(p) ? p : resolve(root, p))),
    exclude: [...base.exclude, ...(strings(raw.exclude) ?? [])],
    severity,
    pointers: raw.pointers,
    benchmarks: raw.benchmarks,
    profile: raw.profile,
  };
}

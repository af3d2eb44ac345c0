import { DEFAULT_COLD_PATTERNS } from '../config/config';
import { GlobSet } from '../util/glob';

/**
 * Name idioms of code that runs once or only to report, beyond the default
 * cold patterns: fork handlers, boot and teardown, statistics printers,
 * error reporting.
 */
export const COLD_IDIOMS: readonly string[] = [
  '*_initialize',
  '*_finalize',
  '*_boot',
  '*_boot_*',
  '*_done',
  '*_destroy',
  '*_prefork*',
  '*_postfork*',
  '*_atfork*',
  '*stats_print*',
  '*_print_stats*',
  '*_statistics',
  '*_error_message',
  '*_warning_message',
  '*_verbose_message',
  '*_assert_fail*',
  '*_fatal*',
  '*_abort*',
];

/**
 * Cold patterns for `hakmem init`: each idiom that names at least one defined
 * function the defaults do not already cover (entry points never), then the
 * functions declared `__attribute__((cold))`, by name.
 */
export function proposeColdPatterns(
  defined: readonly string[],
  attributeCold: readonly string[],
  entryPoints: ReadonlySet<string>,
): string[] {
  const defaults = new GlobSet(DEFAULT_COLD_PATTERNS);
  const candidates = defined.filter((n) => !entryPoints.has(n) && !defaults.matches(n));
  const idioms = COLD_IDIOMS.filter((idiom) => {
    const glob = new GlobSet([idiom]);
    return candidates.some((n) => glob.matches(n));
  });
  const covered = new GlobSet(idioms);
  const named = attributeCold.filter((n) => !entryPoints.has(n) && !defaults.matches(n) && !covered.matches(n)).sort();
  return [...idioms, ...named];
}

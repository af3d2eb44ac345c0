// Reads one run's result from the benchmark's output: the `HAKMEM_RESULT {json}`
// line the bundled benchmarks print, or a user-supplied regular expression.
import type { ResultSpec } from './presets';

export interface ParsedResult {
  /** The metric (a throughput, higher is better). */
  readonly value: number;
  /** Seconds the benchmark reported for its measured section, when it did. */
  readonly seconds?: number;
  /** Peak resident set size the benchmark reported, in KiB. */
  readonly maxRssKb?: number;
  /** Every field of the HAKMEM_RESULT json, when that is what was read. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

export const RESULT_MARKER = 'HAKMEM_RESULT';
export const DEFAULT_METRIC = 'ops_per_sec';

export class OutputParseError extends Error {}

/** Validates a user regex once, so bad config is reported at load time, not mid-run. */
export function checkResultRegex(source: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(source, 'm');
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  if (!/\(\?<[A-Za-z_][A-Za-z0-9_]*>/.test(re.source)) return 'needs a named group, e.g. (?<ops>[0-9.]+)';
  return undefined;
}

function finiteNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function parseMarkerLine(stdout: string, metric: string): ParsedResult {
  const lines = stdout.split('\n').filter((l) => l.startsWith(RESULT_MARKER));
  const last = lines[lines.length - 1];
  if (last === undefined) throw new OutputParseError(`no ${RESULT_MARKER} line in the output`);
  let fields: unknown;
  try {
    fields = JSON.parse(last.slice(RESULT_MARKER.length).trim());
  } catch (e) {
    throw new OutputParseError(`the ${RESULT_MARKER} line is not valid JSON (${(e as Error).message}): ${last.slice(0, 200)}`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new OutputParseError(`the ${RESULT_MARKER} line does not hold a JSON object: ${last.slice(0, 200)}`);
  }
  const record = fields as Record<string, unknown>;
  const value = finiteNumber(record[metric]);
  if (value === undefined) throw new OutputParseError(`the ${RESULT_MARKER} line has no numeric '${metric}' field`);
  const seconds = finiteNumber(record['seconds']);
  const maxRssKb = finiteNumber(record['max_rss_kb']);
  return {
    value,
    ...(seconds !== undefined ? { seconds } : {}),
    ...(maxRssKb !== undefined ? { maxRssKb } : {}),
    fields: record,
  };
}

function parseWithRegex(stdout: string, source: string, metric: string | undefined): ParsedResult {
  const problem = checkResultRegex(source);
  if (problem) throw new OutputParseError(`result.regex ${problem}`);
  const re = new RegExp(source, 'gm');
  let groups: Record<string, string> | undefined;
  for (const m of stdout.matchAll(re)) groups = m.groups; // the last match wins, like the marker line
  if (!groups) throw new OutputParseError(`result.regex /${source}/ matched nothing in the output`);
  const name = metric !== undefined && metric in groups ? metric : Object.keys(groups)[0]!;
  const value = finiteNumber(groups[name]);
  if (value === undefined) throw new OutputParseError(`result.regex group '${name}' is not a number: '${groups[name] ?? ''}'`);
  return { value };
}

/** Reads the metric from a run's standard output. Throws OutputParseError with a readable reason. */
export function parseRunOutput(stdout: string, spec: ResultSpec | undefined): ParsedResult {
  if (spec?.regex !== undefined) return parseWithRegex(stdout, spec.regex, spec.metric);
  const result = parseMarkerLine(stdout, spec?.metric ?? DEFAULT_METRIC);
  if (!(result.value > 0))
    throw new OutputParseError(`'${spec?.metric ?? DEFAULT_METRIC}' is ${result.value}; a throughput must be positive`);
  return result;
}

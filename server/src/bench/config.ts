// The "benchmarks" section of .hakmem.json: typed, validated, with one error per
// bad key (the rest of the section still loads).
import { isAbsolute, join, resolve } from 'node:path';
import { isObject } from '../util/isObject';
import { checkResultRegex } from './output';
import { nativePresets, PRESET_NAMES, type BenchmarkSpec, type PresetName, type ResultSpec } from './presets';

export interface BenchConfigError {
  /** Key path, e.g. "benchmarks.1.binary". */
  readonly key: string;
  readonly message: string;
}

export interface BenchmarksConfig {
  readonly benchmarks: BenchmarkSpec[];
  readonly errors: BenchConfigError[];
}

const KNOWN_KEYS = new Set(['name', 'build', 'binary', 'args', 'quickArgs', 'env', 'cwd', 'result', 'preset', 'source']);
const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Parses the value of "benchmarks" (already JSON). Paths are relative to `configDir`
 * (the folder holding .hakmem.json). A `preset` fills in the bundled benchmark's
 * arguments, and its binary and build when `binary` is left out (the bundled
 * benchmarks are linked against libc only, so they measure any allocator through
 * LD_PRELOAD); `nativeDir` is where those live.
 */
export function parseBenchmarksConfig(value: unknown, configDir: string, nativeDir?: string): BenchmarksConfig {
  const errors: BenchConfigError[] = [];
  const benchmarks: BenchmarkSpec[] = [];
  if (value === undefined) return { benchmarks, errors };
  if (!Array.isArray(value)) {
    errors.push({ key: 'benchmarks', message: 'must be an array of benchmarks' });
    return { benchmarks, errors };
  }
  const presets = new Map(nativePresets(nativeDir ?? join(configDir, 'native')).map((p) => [p.preset!, p]));
  const seen = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const at = (key?: string): string => (key ? `benchmarks.${i}.${key}` : `benchmarks.${i}`);
    const fail = (key: string | undefined, message: string): void => void errors.push({ key: at(key), message });
    if (!isObject(entry)) return fail(undefined, 'must be an object with at least "name" and "binary"');
    const before = errors.length;
    for (const k of Object.keys(entry))
      if (!KNOWN_KEYS.has(k)) fail(k, `is not a known benchmark setting (expected one of ${[...KNOWN_KEYS].join(', ')})`);

    const name = entry['name'];
    if (typeof name !== 'string' || !NAME.test(name)) fail('name', 'must be a non-empty name of letters, digits, _ . -');
    else if (seen.has(name)) fail('name', `'${name}' is declared twice`);

    let preset: BenchmarkSpec | undefined;
    if (entry['preset'] !== undefined) {
      const p = entry['preset'];
      if (typeof p !== 'string' || !(PRESET_NAMES as readonly string[]).includes(p))
        fail('preset', `must be one of ${PRESET_NAMES.join(', ')}`);
      else preset = presets.get(p as PresetName);
    }

    const str = (key: string): string | undefined => {
      const v = entry[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v.trim() === '') {
        fail(key, 'must be a non-empty string');
        return undefined;
      }
      return v;
    };
    const list = (key: string): string[] | undefined => {
      const v = entry[key];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || !v.every((a) => typeof a === 'string' || typeof a === 'number')) {
        fail(key, 'must be an array of strings');
        return undefined;
      }
      return v.map(String);
    };

    const cwdRaw = str('cwd');
    const cwd = cwdRaw !== undefined ? resolve(configDir, cwdRaw) : preset && entry['binary'] === undefined ? preset.cwd : configDir;
    const binaryRaw = str('binary');
    if (binaryRaw === undefined && !preset && entry['binary'] === undefined)
      fail('binary', 'is required (the benchmark executable, relative to the config folder)');
    const binary = binaryRaw !== undefined ? (isAbsolute(binaryRaw) ? binaryRaw : resolve(cwd, binaryRaw)) : preset?.binary;
    const build = str('build') ?? (binaryRaw === undefined ? preset?.build : undefined);
    const args = list('args');
    const quickArgs = list('quickArgs');
    const sourceRaw = str('source');

    const env: Record<string, string> = {};
    if (entry['env'] !== undefined) {
      const e = entry['env'];
      if (!isObject(e)) fail('env', 'must be an object of NAME: "value"');
      else
        for (const [k, v] of Object.entries(e)) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`env.${k}`, 'is not a valid environment variable name');
          else if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`env.${k}`, 'must be a string');
          else env[k] = String(v);
        }
    }

    let result: ResultSpec | undefined;
    if (entry['result'] !== undefined) {
      const r = entry['result'];
      if (!isObject(r)) fail('result', 'must be an object with "regex" and/or "metric"');
      else {
        for (const k of Object.keys(r)) if (k !== 'regex' && k !== 'metric') fail(`result.${k}`, 'is not a known setting (regex, metric)');
        const regex = r['regex'];
        const metric = r['metric'];
        if (regex !== undefined) {
          const problem = typeof regex === 'string' ? checkResultRegex(regex) : 'must be a string';
          if (problem) fail('result.regex', problem);
        }
        if (metric !== undefined && (typeof metric !== 'string' || metric === '')) fail('result.metric', 'must be a non-empty string');
        result = {
          ...(typeof regex === 'string' ? { regex } : {}),
          ...(typeof metric === 'string' && metric !== '' ? { metric } : {}),
        };
      }
    }

    if (errors.length > before || typeof name !== 'string' || binary === undefined) return;
    seen.add(name);
    const runArgs = args ?? preset?.args ?? [];
    benchmarks.push({
      name,
      binary,
      args: runArgs,
      quickArgs: quickArgs ?? (args === undefined ? preset?.quickArgs : undefined) ?? runArgs,
      env,
      cwd,
      ...(build !== undefined ? { build } : {}),
      ...(sourceRaw !== undefined
        ? { source: resolve(configDir, sourceRaw) }
        : preset && binaryRaw === undefined && preset.source
          ? { source: preset.source }
          : {}),
      ...(result ? { result } : {}),
      ...(preset ? { preset: preset.preset! } : {}),
    });
  });
  return { benchmarks, errors };
}

import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import schema from '../../schema/hakmem.schema.json';
import { configFromRaw, defaultConfig, type HakmemConfig } from './config';
import { firstTooDeep, tooDeepMessage } from './depth';
import { CONFIG_FILE_NAME } from './file';
import { guardsTrueInRelease } from './guards';

export { CONFIG_FILE_NAME };

/** A problem in .hakmem.json, located by character offset in its text. */
export interface ConfigProblem {
  readonly message: string;
  /** The key path, e.g. "rules.hot-path-io"; empty for a syntax error. */
  readonly key: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * A section of .hakmem.json with rules beyond the schema, checked by the engine that owns it
 * (config/ knows the file, not what each engine makes of its section). Keys are dotted paths
 * from the section's name, e.g. "benchmarks.0.command".
 */
export interface ConfigSection {
  readonly name: string;
  check(value: unknown, root: string): readonly { readonly key: string; readonly message: string }[];
}

export interface LoadedConfig {
  readonly config: HakmemConfig;
  readonly problems: readonly ConfigProblem[];
}

let compiled: ValidateFunction | undefined;
/** Compiled on first use; a broken schema is a problem to report, never a crash at start. */
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  return compiled;
}

function keyOf(error: ErrorObject): string[] {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') path.push(String((error.params as { additionalProperty: string }).additionalProperty));
  if (error.keyword === 'propertyNames') path.push(String((error.params as { propertyName: string }).propertyName));
  return path;
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a known setting';
    case 'propertyNames':
      return 'is not a valid name here';
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/**
 * Parses and validates .hakmem.json text. Never throws: syntax errors keep every
 * default; a wrong value drops only its top-level key (that key keeps its default).
 * `sections` check their own parts after the schema (see configSections.ts for the engines' list).
 */
export function loadConfigText(root: string, text: string, sections: readonly ConfigSection[] = []): LoadedConfig {
  const deep = firstTooDeep(text);
  if (deep !== undefined) {
    return {
      config: defaultConfig(root),
      problems: [{ message: `${tooDeepMessage(CONFIG_FILE_NAME)}; using the defaults`, key: '', offset: deep, length: 1 }],
    };
  }
  const syntaxErrors: ParseError[] = [];
  const tree = parseTree(text, syntaxErrors, { allowTrailingComma: false, disallowComments: false });
  if (syntaxErrors.length > 0 || !tree) {
    const first = syntaxErrors[0];
    return {
      config: defaultConfig(root),
      problems: [
        {
          message: first
            ? `${CONFIG_FILE_NAME} is not valid JSON (${printParseErrorCode(first.error)}); using the defaults`
            : `${CONFIG_FILE_NAME} is empty; using the defaults`,
          key: '',
          offset: first?.offset ?? 0,
          length: Math.max(1, first?.length ?? 0),
        },
      ],
    };
  }
  const raw = getNodeValue(tree) as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      config: defaultConfig(root),
      problems: [
        { message: `${CONFIG_FILE_NAME} must hold a JSON object; using the defaults`, key: '', offset: tree.offset, length: tree.length },
      ],
    };
  }
  const problems: ConfigProblem[] = [];
  const dropped = new Set<string>();
  let validate: ValidateFunction;
  try {
    validate = validator();
  } catch (e) {
    return {
      config: configFromRaw(root, raw as Record<string, unknown>),
      problems: [
        {
          message: `the ${CONFIG_FILE_NAME} schema could not be compiled (${(e as Error).message}); settings were not validated`,
          key: '',
          offset: 0,
          length: 1,
        },
      ],
    };
  }
  if (!validate(raw)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      // `if`/`anyOf` wrappers repeat a more precise error; keep the precise one.
      if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
      const path = keyOf(error);
      const key = path.join('.');
      if (seen.has(key)) continue;
      seen.add(key);
      const node = findNodeAtLocation(tree, path);
      const target = node?.parent?.type === 'property' ? node.parent : node;
      problems.push({
        message: `${key || CONFIG_FILE_NAME} ${describe(error)}${path[0] ? `; '${path[0]}' keeps its default` : ''}`,
        key,
        offset: target?.offset ?? tree.offset,
        length: target?.length ?? 1,
      });
      if (path[0]) dropped.add(path[0]);
    }
  }
  const kept = Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([k]) => !dropped.has(k)));
  // Sections with rules beyond the schema check themselves; their problems are located the same way.
  const semantic = sections.flatMap((section) => (kept[section.name] !== undefined ? section.check(kept[section.name], root) : []));
  for (const error of semantic) {
    const path = error.key.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = error.key ? findNodeAtLocation(tree, path) : undefined;
    const target = node?.parent?.type === 'property' ? node.parent : node;
    problems.push({
      message: `${error.key || CONFIG_FILE_NAME}: ${error.message}`,
      key: error.key,
      offset: target?.offset ?? tree.offset,
      length: target?.length ?? 1,
    });
  }
  return { config: withReleaseFalseGuards(root, kept, tree, problems), problems };
}

/** The config, without the guards the release build makes true (each one a problem on its key). */
function withReleaseFalseGuards(
  root: string,
  kept: Record<string, unknown>,
  tree: ReturnType<typeof parseTree>,
  problems: ConfigProblem[],
): HakmemConfig {
  const config = configFromRaw(root, kept);
  if (kept.guard === undefined) return config;
  const guard = kept.guard;
  // Only the guards written under "guard" (a default from guardMacro is not this key's problem).
  const written = guard !== null && typeof guard === 'object' ? new Set(Object.keys(guard)) : new Set(['default']);
  const bad = guardsTrueInRelease(config).filter((b) => written.has(b.key));
  if (bad.length === 0) return config;
  const fixed = { ...kept };
  for (const { key, guard: g } of bad) {
    const inObject = guard !== null && typeof guard === 'object';
    const path = inObject ? ['guard', key] : ['guard'];
    const node = tree ? findNodeAtLocation(tree, path) : undefined;
    const target = node?.parent?.type === 'property' ? node.parent : node;
    problems.push({
      message: `${path.join('.')} \`${g.text}\` is true in the release build, so it keeps nothing out of release (a guard is a condition the release build makes false); the default guard is used`,
      key: path.join('.'),
      offset: target?.offset ?? tree?.offset ?? 0,
      length: target?.length ?? 1,
    });
    if (inObject) fixed.guard = Object.fromEntries(Object.entries(fixed.guard as Record<string, unknown>).filter(([k]) => k !== key));
    else delete fixed.guard;
  }
  return configFromRaw(root, fixed);
}

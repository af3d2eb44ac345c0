// Finding .hakmem.json and reading its top-level sections, for the engines that
// take only their own section (benchmarks, pointers) and not the validated config.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isObject } from '../util/isObject';
import { firstTooDeep, tooDeepMessage } from './depth';

export const CONFIG_FILE_NAME = '.hakmem.json';

/** The nearest .hakmem.json in `start` or a folder above it. */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export interface ConfigSections {
  /** The file's top-level keys, unvalidated; empty when it could not be read or parsed. */
  readonly sections: Readonly<Record<string, unknown>>;
  /** Why the file could not be read or parsed, as a one-line message. */
  readonly error?: string;
}

/**
 * Reads a .hakmem.json (comments and trailing commas allowed). Never throws:
 * an unreadable or broken file comes back as an error and no sections.
 */
export function readConfigSections(path: string): ConfigSections {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { sections: {}, error: `cannot read ${path}: ${(e as Error).message}` };
  }
  const deep = firstTooDeep(text);
  if (deep !== undefined) return { sections: {}, error: `${tooDeepMessage(CONFIG_FILE_NAME)} (at offset ${deep})` };
  const syntax: ParseError[] = [];
  const value: unknown = parse(text, syntax, { allowTrailingComma: true });
  if (syntax.length > 0)
    return {
      sections: {},
      error: `${CONFIG_FILE_NAME} is not valid JSON (${printParseErrorCode(syntax[0]!.error)} at offset ${syntax[0]!.offset})`,
    };
  return { sections: isObject(value) ? value : {} };
}

import { isObject } from '../util/isObject';
import type { PointerConfig, PointerKind } from './types';

export interface PointerConfigError {
  readonly key: string;
  readonly message: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KNOWN_KEYS = new Set([
  'headerSize',
  'headerType',
  'blockKinds',
  'toUser',
  'toBase',
  'linkApi',
  'expects',
  'returns',
  'fields',
  'types',
  'builtins',
]);

export const EMPTY_POINTER_CONFIG: PointerConfig = {
  blockKinds: {},
  headerSizes: [],
  headerTypes: [],
  toUser: [],
  toBase: [],
  linkApi: [],
  expects: {},
  returns: {},
  fields: {},
  types: {},
  builtins: true,
};

function kindOf(v: unknown): PointerKind | undefined {
  if (typeof v !== 'string') return undefined;
  const lower = v.toLowerCase();
  return lower === 'base' ? 'BASE' : lower === 'user' ? 'USER' : undefined;
}

function headerSizeOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 4096 ? v : undefined;
}

/**
 * Reads the raw "pointers" section. Bad entries are dropped with an error
 * naming their key; the rest still applies. Never throws.
 */
export function parsePointerConfig(raw: unknown): { config: PointerConfig; errors: PointerConfigError[] } {
  const errors: PointerConfigError[] = [];
  if (raw === undefined || raw === null) return { config: EMPTY_POINTER_CONFIG, errors };
  if (!isObject(raw)) {
    errors.push({ key: 'pointers', message: 'must be an object' });
    return { config: EMPTY_POINTER_CONFIG, errors };
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key) && key !== '$comment') errors.push({ key: `pointers.${key}`, message: 'unknown setting' });
  }

  let headerSize: number | undefined;
  if (raw.headerSize !== undefined) {
    headerSize = headerSizeOf(raw.headerSize);
    if (headerSize === undefined) errors.push({ key: 'pointers.headerSize', message: 'must be an integer from 1 to 4096' });
  }

  let headerType: string | undefined;
  if (raw.headerType !== undefined) {
    if (typeof raw.headerType === 'string' && IDENT.test(raw.headerType)) headerType = raw.headerType;
    else errors.push({ key: 'pointers.headerType', message: 'must be a type name (a C identifier)' });
  }

  const blockKinds: Record<string, { headerSize: number; headerType?: string }> = {};
  if (raw.blockKinds !== undefined) {
    if (!isObject(raw.blockKinds))
      errors.push({ key: 'pointers.blockKinds', message: 'must be an object of block kind → { "headerSize": N }' });
    else {
      for (const [name, v] of Object.entries(raw.blockKinds)) {
        const size = isObject(v) ? headerSizeOf(v.headerSize) : undefined;
        const type = isObject(v) ? v.headerType : undefined;
        if (size === undefined)
          errors.push({ key: `pointers.blockKinds.${name}`, message: 'must be { "headerSize": N } with N an integer from 1 to 4096' });
        else if (type !== undefined && (typeof type !== 'string' || !IDENT.test(type)))
          errors.push({ key: `pointers.blockKinds.${name}.headerType`, message: 'must be a type name (a C identifier)' });
        else blockKinds[name] = { headerSize: size, ...(typeof type === 'string' ? { headerType: type } : {}) };
      }
    }
  }

  const names = (key: 'toUser' | 'toBase' | 'linkApi'): string[] => {
    const v = raw[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      errors.push({ key: `pointers.${key}`, message: 'must be an array of function or macro names' });
      return [];
    }
    const out: string[] = [];
    v.forEach((n, i) => {
      if (typeof n === 'string' && IDENT.test(n)) out.push(n);
      else errors.push({ key: `pointers.${key}[${i}]`, message: 'must be a C identifier' });
    });
    return out;
  };

  const kindMap = (key: 'returns' | 'fields' | 'types', keyPattern: RegExp, what: string): Record<string, PointerKind> => {
    const v = raw[key];
    const out: Record<string, PointerKind> = {};
    if (v === undefined) return out;
    if (!isObject(v)) {
      errors.push({ key: `pointers.${key}`, message: `must be an object of ${what} → "base" or "user"` });
      return out;
    }
    for (const [name, k] of Object.entries(v)) {
      const kind = kindOf(k);
      if (!keyPattern.test(name)) errors.push({ key: `pointers.${key}.${name}`, message: `is not a valid ${what}` });
      else if (!kind) errors.push({ key: `pointers.${key}.${name}`, message: 'must be "base" or "user"' });
      else out[name] = kind;
    }
    return out;
  };

  const expects: Record<string, Record<string, PointerKind>> = {};
  if (raw.expects !== undefined) {
    if (!isObject(raw.expects))
      errors.push({ key: 'pointers.expects', message: 'must be an object of function → { parameter: "base" | "user" }' });
    else {
      for (const [fn, params] of Object.entries(raw.expects)) {
        if (!IDENT.test(fn)) {
          errors.push({ key: `pointers.expects.${fn}`, message: 'is not a C identifier' });
          continue;
        }
        if (!isObject(params)) {
          errors.push({ key: `pointers.expects.${fn}`, message: 'must be an object of parameter name or 0-based index → "base" | "user"' });
          continue;
        }
        const out: Record<string, PointerKind> = {};
        for (const [param, k] of Object.entries(params)) {
          const kind = kindOf(k);
          if (!IDENT.test(param) && !/^\d+$/.test(param))
            errors.push({ key: `pointers.expects.${fn}.${param}`, message: 'must be a parameter name or a 0-based index' });
          else if (!kind) errors.push({ key: `pointers.expects.${fn}.${param}`, message: 'must be "base" or "user"' });
          else out[param] = kind;
        }
        expects[fn] = out;
      }
    }
  }

  let builtins = true;
  if (raw.builtins !== undefined) {
    if (typeof raw.builtins === 'boolean') builtins = raw.builtins;
    else errors.push({ key: 'pointers.builtins', message: 'must be true or false' });
  }

  const headerSizes = [
    ...new Set([...(headerSize !== undefined ? [headerSize] : []), ...Object.values(blockKinds).map((b) => b.headerSize)]),
  ];
  const headerTypes = [
    ...new Set([...(headerType ? [headerType] : []), ...Object.values(blockKinds).flatMap((b) => (b.headerType ? [b.headerType] : []))]),
  ];
  const config: PointerConfig = {
    ...(headerSize !== undefined ? { headerSize } : {}),
    ...(headerType !== undefined ? { headerType } : {}),
    blockKinds,
    headerSizes,
    headerTypes,
    toUser: names('toUser'),
    toBase: names('toBase'),
    linkApi: names('linkApi'),
    expects,
    returns: kindMap('returns', IDENT, 'function name'),
    fields: kindMap('fields', /^(\*|[A-Za-z_]\w*)\.[A-Za-z_]\w*$/, '"struct.field" name'),
    types: kindMap('types', IDENT, 'typedef name'),
    builtins,
  };
  return { config, errors };
}

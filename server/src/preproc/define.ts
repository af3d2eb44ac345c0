import type { MacroDef } from './types';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*/;

/**
 * Parses the text after `#define` (comments already removed, continuations
 * joined). A '(' directly after the name makes the macro function-like.
 */
export function parseDefine(rest: string, file: string | undefined, line: number): MacroDef | { error: string } {
  const text = rest.replace(/^\s+/, '');
  const m = IDENT.exec(text);
  if (!m) return { error: text.length === 0 ? 'macro name missing in #define' : `macro names must be identifiers: "${clip(text)}"` };
  const name = m[0];
  if (name === 'defined') return { error: '"defined" cannot be used as a macro name' };
  let pos = name.length;
  if (text.charCodeAt(pos) !== 0x28 /* ( */) {
    // C99 wants whitespace after an object-like macro's name; gcc only warns, so do we not.
    return withFile({ name, body: text.slice(pos).trim(), line }, file);
  }
  const close = text.indexOf(')', pos);
  if (close < 0) return { error: `missing ')' in parameter list of macro "${name}"` };
  const list = text.slice(pos + 1, close).trim();
  const params: string[] = [];
  let variadic = false;
  if (list.length > 0) {
    const parts = list.split(',').map((p) => p.trim());
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const last = i === parts.length - 1;
      if (p === '...' && last) {
        variadic = true;
        params.push('__VA_ARGS__');
      } else if (last && p.endsWith('...') && IDENT.test(p) && /^[A-Za-z_$][A-Za-z0-9_$]*\s*\.\.\.$/.test(p)) {
        // GNU named variadic parameter: `args...`
        variadic = true;
        params.push(p.slice(0, -3).trim());
      } else if (IDENT.exec(p)?.[0] === p) {
        if (params.includes(p)) return { error: `duplicate macro parameter "${p}" in "${name}"` };
        params.push(p);
      } else {
        return { error: `invalid parameter "${clip(p)}" in macro "${name}"` };
      }
    }
  }
  pos = close + 1;
  const def: MacroDef = { name, params, body: text.slice(pos).trim(), line };
  if (variadic) def.variadic = true;
  return withFile(def, file);
}

function withFile(def: MacroDef, file: string | undefined): MacroDef {
  if (file !== undefined) def.file = file;
  return def;
}

function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}

/** `NAME`, `NAME(a, b)` or `NAME(fmt, ...)`: how the macro is written, for hovers and reports. */
export function macroSignature(def: MacroDef): string {
  if (!def.params) return def.name;
  const params = def.params.map((p, i) => {
    if (!def.variadic || i !== def.params!.length - 1) return p;
    return p === '__VA_ARGS__' ? '...' : `${p}...`;
  });
  return `${def.name}(${params.join(', ')})`;
}

// jsonc-parser and the schema validator recurse once per level of nesting, so a
// hostile .hakmem.json nested 100,000 levels deep would overflow the stack. No
// setting nests more than a few levels; deeper text is refused before parsing,
// with a linear scan that skips strings and comments as JSONC has them.

/** Deeper than any setting needs (the schema's deepest value is five levels down). */
export const MAX_CONFIG_DEPTH = 64;

/** Where `text` first nests deeper than `limit` arrays/objects, or undefined when it never does. */
export function firstTooDeep(text: string, limit = MAX_CONFIG_DEPTH): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return i;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return undefined;
}

export function tooDeepMessage(fileName: string): string {
  return `${fileName} nests arrays or objects more than ${MAX_CONFIG_DEPTH} levels deep`;
}

import { expandMacros, type MacroDef, type PreprocResult } from '../preproc';

/** `__attribute__((malloc))`, `__attribute__((alloc_size(1)))`, `__declspec(restrict)`: what a compiler knows as an allocation function. */
const ALLOCATION_ATTRIBUTE =
  /__attribute__\s*\(\([^;{}]*?\b_{0,2}(?:malloc|alloc_size)_{0,2}\b|__declspec\s*\(\s*(?:restrict|allocator)\s*\)/;
const ATTRIBUTE_WORD = /__attribute__|__declspec/;
const IDENT = /[A-Za-z_]\w*/g;
/** Longer declarations are initialisers or misparsed text, not prototypes. */
const MAX_DECLARATION_CHARS = 2000;
const NOT_A_NAME = new Set([
  '__attribute__',
  '__declspec',
  'sizeof',
  'typeof',
  '__typeof__',
  '_Alignas',
  'alignas',
  '__asm__',
  'asm',
  '_Static_assert',
]);

/** A body's words, and whether it names an attribute itself; kept per definition, which every includer of its header shares. */
const bodyWords = new WeakMap<MacroDef, { readonly attribute: boolean; readonly ids: readonly string[] }>();

function wordsOf(def: MacroDef): { readonly attribute: boolean; readonly ids: readonly string[] } {
  let words = bodyWords.get(def);
  if (!words) bodyWords.set(def, (words = { attribute: ATTRIBUTE_WORD.test(def.body), ids: def.body.match(IDENT) ?? [] }));
  return words;
}

/** Macros whose expansion (through other macros) carries an attribute: only declarations using one are expanded. */
function attributeMacros(preproc: PreprocResult): Set<string> {
  const table = preproc.finalMacros;
  const bodies = new Map<string, { readonly attribute: boolean; readonly ids: readonly string[] }>();
  for (const name of table.names()) {
    const def: MacroDef | undefined = table.get(name);
    if (def && def.file !== '<command-line>') bodies.set(name, wordsOf(def));
  }
  const found = new Set<string>();
  // A few rounds reach macros defined through other macros (JEMALLOC_ALLOC_SIZE → JEMALLOC_ATTR → __attribute__).
  for (let round = 0; round < 4; round++) {
    const before = found.size;
    for (const [name, words] of bodies) {
      if (found.has(name)) continue;
      if (words.attribute || words.ids.some((id) => found.has(id))) found.add(name);
    }
    if (found.size === before) break;
  }
  return found;
}

/** The last few trigger patterns by macro list: the files of one tree share their headers' macros. */
const triggerPatterns = new Map<string, RegExp>();

function triggersFor(macros: ReadonlySet<string>): RegExp {
  const source = `\\b(?:__attribute__|__declspec${[...macros].map((m) => `|${m}`).join('')})\\b`;
  let re = triggerPatterns.get(source);
  if (!re) {
    if (triggerPatterns.size >= 16) triggerPatterns.clear();
    triggerPatterns.set(source, (re = new RegExp(source, 'g')));
  }
  return re;
}

/** Where the declaration around `index` starts and ends: after the previous `;`, `{` or `}`, up to the next `;` or `{`. */
function declarationAround(text: string, index: number): [number, number] {
  let start = index;
  while (start > 0 && !';{}'.includes(text[start - 1]!)) start--;
  let end = index;
  while (end < text.length && !';{'.includes(text[end]!)) end++;
  return [start, end];
}

/** True inside a preprocessor directive (a #define of an attribute macro is not a declaration). */
function inDirective(text: string, index: number): boolean {
  let lineStart = text.lastIndexOf('\n', index - 1) + 1;
  // A continued directive: walk back over lines ending in a backslash.
  while (lineStart > 1 && text[lineStart - 2] === '\\') lineStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  return /^[ \t]*#/.test(text.slice(lineStart, lineStart + 64));
}

/** Drops directive lines and comments: what is left is the declaration the compiler sees. */
function declarationText(raw: string): string {
  return raw
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

/** Removes `__attribute__((…))` and `__declspec(…)` groups, so the first `name(` left is the declarator. */
function withoutAttributes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const m = /^(__attribute__|__declspec)\s*\(/.exec(text.slice(i, i + 40));
    if (!m) {
      out += text[i++];
      continue;
    }
    let depth = 0;
    let j = i + m[0].length - 1;
    for (; j < text.length; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')' && --depth === 0) break;
    }
    out += ' ';
    i = j + 1;
  }
  return out;
}

/** The function a declaration declares: the first identifier followed by `(` once attributes are gone. */
function declaredFunction(expanded: string): string | undefined {
  const text = withoutAttributes(expanded);
  const re = /([A-Za-z_]\w*)\s*\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!NOT_A_NAME.has(m[1]!)) return m[1];
  }
  return undefined;
}

/**
 * Functions this file declares or defines with an allocation attribute
 * (`__attribute__((malloc))`, `alloc_size`), written directly or through
 * macros (`mi_attr_malloc`, `JEMALLOC_ATTR(malloc)`), in active code only.
 * Text-based: attribute macros before a name are what confuse the grammar.
 */
export function allocationAttributed(text: string, preproc: PreprocResult, range?: readonly [number, number]): string[] {
  const macros = attributeMacros(preproc);
  const triggers = triggersFor(macros);
  const from = range?.[0] ?? 0;
  const to = range?.[1] ?? text.length;
  triggers.lastIndex = from;
  const names = new Set<string>();
  let lineStart = 0;
  let line = 0;
  const lineOf = (index: number): number => {
    for (let i = text.indexOf('\n', lineStart); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return line;
  };
  let scannedUntil = -1;
  for (let m = triggers.exec(text); m && m.index < to; m = triggers.exec(text)) {
    if (m.index < scannedUntil || inDirective(text, m.index)) continue;
    if (preproc.active[lineOf(m.index)] === 0) continue;
    const [start, end] = declarationAround(text, m.index);
    scannedUntil = end;
    if (end - start > MAX_DECLARATION_CHARS) continue;
    const source = declarationText(text.slice(start, end));
    // Macros as defined where the declaration ends (its own attribute macros are defined above it).
    const at = lineOf(end);
    const expanded = expandMacros(source, (name) => preproc.macroAt(name, at));
    const seen = 'text' in expanded ? expanded.text : source;
    if (!ALLOCATION_ATTRIBUTE.test(seen)) continue;
    const name = declaredFunction(seen);
    if (name) names.add(name);
  }
  return [...names].sort();
}

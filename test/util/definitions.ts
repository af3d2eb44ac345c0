/**
 * A reference for the parse-health check: the function definitions of a C
 * file found from its tokens alone (no grammar), as a compiler would see them
 * once macros are known: at file level, a head `… name(…) … {` without `=`,
 * where `name` is the first identifier before a parenthesis that is not a macro.
 */

const NOT_A_NAME = new Set([
  '__attribute__',
  '__attribute',
  '__declspec',
  '_Alignas',
  'alignas',
  '__typeof__',
  'typeof',
  'sizeof',
  '__asm__',
  'asm',
]);

interface Token {
  readonly text: string;
  readonly line: number;
}

function tokens(text: string, active: (line: number) => boolean): Token[] {
  const out: Token[] = [];
  let line = 0;
  let lineStart = true;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (lineStart && c === '#') {
      // A directive, with its continuation lines.
      while (i < text.length && !(text[i] === '\n' && text[i - 1] !== '\\')) {
        if (text[i] === '\n') line++;
        i++;
      }
      continue;
    }
    lineStart = false;
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === '\n') line++;
      i = stop;
      continue;
    }
    if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    const word = /^[A-Za-z_]\w*|^\d[\w.]*/.exec(text.slice(i, i + 256));
    const t = word ? word[0] : c;
    if (active(line)) out.push({ text: t, line });
    i += t.length;
  }
  return out;
}

/** Names of the functions defined in `text` on active lines, in order. */
export function referenceDefinitions(
  text: string,
  active: (line: number) => boolean,
  isMacro: (name: string, line: number) => boolean,
): string[] {
  const names: string[] = [];
  let depth = 0;
  let head: Token[] = [];
  for (const tok of tokens(text, active)) {
    if (depth > 0) {
      if (tok.text === '{') depth++;
      else if (tok.text === '}') depth--;
      continue;
    }
    if (tok.text === ';' || tok.text === '}') {
      head = [];
    } else if (tok.text === '{') {
      // `extern "C" {` opens no scope of its own.
      if (head.length === 1 && head[0]!.text === 'extern') {
        head = [];
        continue;
      }
      const name = definedName(head, isMacro);
      if (name) names.push(name);
      depth = 1;
      head = [];
    } else {
      head.push(tok);
    }
  }
  return names;
}

function definedName(head: readonly Token[], isMacro: (name: string, line: number) => boolean): string | undefined {
  let parens = 0;
  let candidate: string | undefined;
  for (let i = 0; i < head.length; i++) {
    const t = head[i]!.text;
    if (t === '(') {
      const before = head[i - 1];
      if (
        parens === 0 &&
        candidate === undefined &&
        before &&
        /^[A-Za-z_]/.test(before.text) &&
        !NOT_A_NAME.has(before.text) &&
        !isMacro(before.text, before.line)
      ) {
        candidate = before.text;
      }
      parens++;
    } else if (t === ')') {
      parens--;
    } else if (t === '=' && parens === 0) {
      return undefined;
    }
  }
  return candidate;
}

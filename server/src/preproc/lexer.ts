/** Preprocessing token kinds: identifier, pp-number, character constant, string literal, punctuator, other. */
export type TokKind = 'id' | 'num' | 'chr' | 'str' | 'punct' | 'other';

/** Immutable set of macro names; `has` is all the lexer's users need. */
export interface HideSetLike {
  has(name: string): boolean;
}

export interface Tok {
  k: TokKind;
  t: string;
  /** Preceded by whitespace (matters for # stringification only). */
  sp?: boolean;
  /** Hide set: macros whose expansion produced this token and must not expand it again. */
  hs?: HideSetLike;
  /** In a macro body: index of the parameter this token names. */
  pi?: number;
  /** An opaque stand-in for an unknown macro argument (used when analysing macro bodies). */
  opaque?: boolean;
}

/** 1 for ASCII characters that start a punctuator. */
const PUNCT_CHARS = new Uint8Array(128);
for (const ch of '()[]{}<>!~*/%+-&^|?:,;.=#') PUNCT_CHARS[ch.charCodeAt(0)] = 1;

/** Length of the longest punctuator at i (C11 6.4.6, the subset with more than one character). */
function punctLength(text: string, i: number, c: number): number {
  const d = text.charCodeAt(i + 1);
  switch (c) {
    case 60: // <
    case 62: // >
      if (d === c) return text.charCodeAt(i + 2) === 61 ? 3 : 2;
      return d === 61 ? 2 : 1;
    case 46: // .
      return d === 46 && text.charCodeAt(i + 2) === 46 ? 3 : 1;
    case 38: // &
    case 124: // |
    case 43: // +
      return d === c || d === 61 ? 2 : 1;
    case 45: // -
      return d === 45 || d === 61 || d === 62 ? 2 : 1;
    case 35: // #
      return d === 35 ? 2 : 1;
    case 61: // =
    case 33: // !
    case 42: // *
    case 47: // /
    case 37: // %
    case 94: // ^
      return d === 61 ? 2 : 1;
    default:
      return 1;
  }
}

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 0x80;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/**
 * Splits directive or macro-body text (comments already removed) into
 * preprocessing tokens. Linear; never throws; unknown characters become 'other'.
 */
export function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  let sp = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      sp = true;
      i++;
      continue;
    }
    const start = i;
    let k: TokKind;
    if (isIdStart(c)) {
      i++;
      while (i < n && isIdChar(text.charCodeAt(i))) i++;
      // Encoding prefixes of character and string literals: L u U u8.
      const q = text.charCodeAt(i);
      const word = text.slice(start, i);
      if ((q === 39 || q === 34) && (word === 'L' || word === 'u' || word === 'U' || word === 'u8')) {
        i = skipQuoted(text, i, q);
        k = q === 39 ? 'chr' : 'str';
      } else {
        k = 'id';
      }
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      // pp-number: digits, letters, '_', '.', digit separators and signed exponents.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d === 43 || d === 45) && /[eEpP]/.test(text[i - 1]!)) i++;
        else if (isIdChar(d) || d === 46) i++;
        else if (d === 39 && i + 1 < n && isIdChar(text.charCodeAt(i + 1))) i += 2;
        else break;
      }
      k = 'num';
    } else if (c === 39 || c === 34) {
      i = skipQuoted(text, i, c);
      k = c === 39 ? 'chr' : 'str';
    } else {
      i += punctLength(text, i, c);
      k = c < 0x80 && PUNCT_CHARS[c] === 1 ? 'punct' : 'other';
    }
    const tok: Tok = { k, t: text.slice(start, i) };
    if (sp) tok.sp = true;
    out.push(tok);
    sp = false;
  }
  return out;
}

/** Returns the index after the closing quote (or the end of the text when unterminated). */
function skipQuoted(text: string, open: number, quote: number): number {
  let i = open + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i += 2;
    else if (c === quote) return i + 1;
    else if (c === 10) return i;
    else i++;
  }
  return n;
}

/** Spells tokens back as text, with a space where the source had whitespace. */
export function spell(toks: readonly Tok[]): string {
  let s = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (i > 0 && t.sp) s += ' ';
    s += t.t;
  }
  return s;
}

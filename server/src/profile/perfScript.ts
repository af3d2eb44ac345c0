import { basename } from 'node:path';
import { FrameKind, ProfileBuilder, type ProfileModel } from './model';
import { utf8FromLatin1 } from './lines';

/** Where a function's code was sampled: enough for addr2line to find its source line. */
export interface CodeAddress {
  readonly module: string;
  /** Module-relative address of the function's first instruction (sampled address minus symbol offset). */
  readonly address: number;
}

export interface PerfScriptResult {
  readonly model: ProfileModel;
  /** Per function index: one sampled address in a user-space module, for source lookup. */
  readonly addresses: ReadonlyMap<number, CodeAddress>;
  readonly samples: number;
}

export interface PerfScriptOptions {
  /** Put the command name (comm) at the root of every stack, as stackcollapse-perf.pl does. */
  readonly includeComm?: boolean;
}

const OFFSET = /\+0x[0-9a-fA-F]+$/;
const OFFSET_IN_FRAME = /\+0x([0-9a-fA-F]+) \(/;
const SRCLINE = /^(.+):(\d+)$/;
const COMM = /^(.*?)\s+\d+(?:\/\d+)?\s/;

/**
 * Streaming parser for `perf script` text: feed it lines, then call finish().
 * A sample is a header line (`comm pid [cpu] time: period event:`) followed by
 * one indented line per frame, leaf first (`addr sym+0xoff (dso)`), and a blank
 * line. Lines are latin1-decoded (see lines.ts); names are converted to UTF-8
 * once, when first interned.
 */
const LINE_CACHE_LIMIT = 200_000;

export class PerfScriptParser {
  private readonly builder = new ProfileBuilder('samples');
  /** Frame text after the address -> function id, so each distinct frame is parsed once. */
  private readonly frameCache = new Map<string, number>();
  private readonly addresses = new Map<number, CodeAddress>();
  /** Whole frame line -> function id (bounded: JIT code can print endless distinct addresses). */
  private readonly lineCache = new Map<string, number>();
  /** Functions that stand for frames perf could not name. */
  private readonly unknownFuncs = new Set<number>();
  private stack = new Int32Array(256);
  private depth = 0;
  private header: string | undefined;
  private lastFunc = -1;
  private samples = 0;

  constructor(private readonly options: PerfScriptOptions = {}) {}

  line(line: string): void {
    if (line.length === 0) {
      this.flush();
      return;
    }
    const first = line.charCodeAt(0);
    if (first !== 32 && first !== 9) {
      if (this.header === undefined && first === 35 /* # comment before the samples */) return;
      this.flush();
      this.header = line;
      return;
    }
    if (this.header === undefined) return;
    this.frame(line);
  }

  finish(): PerfScriptResult {
    this.flush();
    return { model: this.builder.finish(), addresses: this.addresses, samples: this.samples };
  }

  private frame(line: string): void {
    // perf prints the same frame line (address, symbol, offset, module) again and again: look the whole line up first.
    const seen = this.lineCache.get(line);
    if (seen !== undefined) {
      this.push(seen);
      return;
    }
    let i = 0;
    while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    const space = line.indexOf(' ', i);
    if (space < 0 || !isHex(line, i, space)) {
      this.srcline(line.slice(i).trim());
      return;
    }
    let end = line.length;
    while (end > space && line.charCodeAt(end - 1) === 32) end--;
    const key = frameKey(line, space + 1, end);
    let func = this.frameCache.get(key);
    if (func === undefined) {
      func = this.parseFrame(line.slice(space + 1, end));
      this.frameCache.set(key, func);
    }
    if (!this.addresses.has(func)) {
      const rest = line.slice(space + 1, end);
      const module = this.builder.moduleOf(func);
      const offset = OFFSET_IN_FRAME.exec(rest);
      if (module !== undefined && module.startsWith('/') && offset) {
        this.addresses.set(func, { module, address: parseInt(line.slice(i, space), 16) - parseInt(offset[1]!, 16) });
      }
    }
    if (this.lineCache.size >= LINE_CACHE_LIMIT) this.lineCache.clear();
    this.lineCache.set(line, func);
    this.push(func);
  }

  private push(func: number): void {
    if (this.depth === this.stack.length) {
      const grown = new Int32Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[this.depth++] = func;
    this.lastFunc = func;
  }

  /** `sym+0xoff (dso)`, `sym (dso) (inlined)`, `[unknown] ([unknown])`, C++ names with spaces and parens. */
  private parseFrame(rawRest: string): number {
    let rest = rawRest;
    let inlined = false;
    if (rest.endsWith(' (inlined)')) {
      inlined = true;
      rest = rest.slice(0, -' (inlined)'.length).trimEnd();
    }
    let module: string | undefined;
    let symbol = rest;
    if (rest.endsWith(')')) {
      const open = matchingOpenParen(rest);
      if (open > 0 && rest.charCodeAt(open - 1) === 32) {
        module = utf8FromLatin1(rest.slice(open + 1, -1));
        symbol = rest.slice(0, open - 1);
      }
    }
    symbol = utf8FromLatin1(symbol.replace(OFFSET, ''));
    const unknownSymbol = symbol === '' || symbol === '[unknown]';
    const unknownModule = module === undefined || module === '[unknown]';
    const kernel = module !== undefined && (module.startsWith('[kernel') || module.endsWith('.ko') || module.startsWith('[vdso'));
    let name = symbol;
    let kind: FrameKind = inlined ? FrameKind.inlined : kernel ? FrameKind.kernel : FrameKind.user;
    if (unknownSymbol) {
      // As stackcollapse-perf.pl does: name an unknown frame after its module.
      name = unknownModule ? '[unknown]' : `[${basename(module!)}]`;
      kind = FrameKind.unknown;
    }
    const func = this.builder.func(name, kind, unknownModule ? undefined : module);
    if (kind === FrameKind.unknown) this.unknownFuncs.add(func);
    return func;
  }

  /** A `file:line` line printed under a frame by `perf script -F +srcline`. */
  private srcline(text: string): void {
    if (this.lastFunc < 0) return;
    const m = SRCLINE.exec(text);
    if (m && m[1] !== '??') this.builder.setSource(this.lastFunc, utf8FromLatin1(m[1]!), Number(m[2]));
  }

  private flush(): void {
    if (this.header === undefined) return;
    const b = this.builder;
    let node = 0;
    if (this.options.includeComm || this.depth === 0) {
      const comm = COMM.exec(this.header)?.[1] ?? this.header.split(' ')[0]!;
      node = b.child(node, b.func(utf8FromLatin1(comm.trim()) || '[unknown]', FrameKind.unknown));
    }
    for (let i = this.depth - 1; i >= 0; i--) {
      const func = this.stack[i]!;
      // Frame-pointer walks through code built without them repeat [unknown] frames; one says as much.
      if (i < this.depth - 1 && func === this.stack[i + 1] && this.unknownFuncs.has(func)) continue;
      node = b.child(node, func);
    }
    b.addSelf(node, 1);
    this.samples++;
    this.header = undefined;
    this.depth = 0;
    this.lastFunc = -1;
  }
}

function isHex(s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 120 /* 0x */)) return false;
  }
  return true;
}

/**
 * What identifies a frame line's function: the symbol without its +0x offset
 * (so each function is parsed once, not once per sampled address). Frames whose
 * naming depends on the module ([unknown], inlined markers) keep the whole text.
 */
function frameKey(line: string, start: number, end: number): string {
  const open = line.lastIndexOf(' (', end);
  if (open > start && line.charCodeAt(start) !== 91 /* [ */ && line.charCodeAt(end - 1) === 41 && !line.endsWith('(inlined)', end)) {
    const plus = line.lastIndexOf('+0x', open);
    if (plus > start) return line.slice(start, plus);
  }
  return line.slice(start, end);
}

/** Index of the '(' that closes with the string's final ')', or -1. */
function matchingOpenParen(s: string): number {
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 41) depth++;
    else if (c === 40 && --depth === 0) return i;
  }
  return -1;
}

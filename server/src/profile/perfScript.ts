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
  /** Frame keys as bytes (see chunk): the same functions as frameCache, found without making a string. */
  private readonly byteKeys = new ByteKeyTable();
  /** Per function: 1 once it can never get a code address (no module path), so its frames need no address look-up. */
  private addressless = new Uint8Array(1024);

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

  /**
   * Feeds the whole lines in `bytes[start, end)` (latin1, as forEachLine decodes them). A frame line
   * whose function is known is folded from its bytes; every other line goes through line().
   */
  chunk(bytes: Uint8Array, start: number, end: number): void {
    let lineStart = start;
    while (lineStart < end) {
      // Plain loops, not Buffer.indexOf: a native call per short line costs more than the scan.
      let nl = lineStart;
      while (nl < end && bytes[nl] !== 10) nl++;
      let lineEnd = nl;
      if (lineEnd > lineStart && bytes[lineEnd - 1] === 13) lineEnd--;
      const first = bytes[lineStart];
      if (
        lineEnd === lineStart ||
        (first !== 32 && first !== 9) ||
        this.header === undefined ||
        !this.knownFrame(bytes, lineStart, lineEnd)
      )
        this.line(latin1(bytes, lineStart, lineEnd));
      lineStart = nl + 1;
    }
  }

  /** Folds a frame line from its bytes when its function was seen before and needs no address; false to take line(). */
  private knownFrame(bytes: Uint8Array, lineStart: number, lineEnd: number): boolean {
    let i = lineStart;
    while (i < lineEnd && (bytes[i] === 32 || bytes[i] === 9)) i++;
    // The address: hex digits (and the x of 0x) up to a space.
    let space = i;
    for (; space < lineEnd; space++) {
      const raw = bytes[space]!;
      if (raw === 32) break;
      const c = raw | 32;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 120)) return false;
    }
    if (space === i || space >= lineEnd) return false;
    let end = lineEnd;
    while (end > space && bytes[end - 1] === 32) end--;
    const keyStart = space + 1;
    const keyEnd = frameKeyEnd(bytes, keyStart, end);
    const func = this.byteKeys.get(bytes, keyStart, keyEnd);
    if (func < 0) {
      // First sight: line() parses it; its key then finds the function from the bytes.
      this.line(latin1(bytes, lineStart, lineEnd));
      const parsed = this.stack[this.depth - 1]!;
      this.byteKeys.set(bytes, keyStart, keyEnd, parsed);
      this.noteAddressless(parsed);
      return true;
    }
    if (!this.addressless[func] && !this.addresses.has(func)) return false;
    this.push(func);
    return true;
  }

  private noteAddressless(func: number): void {
    const module = this.builder.moduleOf(func);
    if (module !== undefined && module.startsWith('/')) return;
    if (func >= this.addressless.length) {
      const grown = new Uint8Array(Math.max(func + 1, this.addressless.length * 2));
      grown.set(this.addressless);
      this.addressless = grown;
    }
    this.addressless[func] = 1;
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

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

const INLINED = Buffer.from('(inlined)', 'latin1');

/** frameKey over bytes: where the same key ends (it starts at `start`). */
function frameKeyEnd(b: Uint8Array, start: number, end: number): number {
  if (b[end - 1] !== 41 /* ) */ || b[start] === 91 /* [ */) return end;
  let open = -1;
  for (let k = end - 2; k > start; k--) {
    if (b[k] === 40 && b[k - 1] === 32) {
      open = k - 1;
      break;
    }
  }
  if (open > start && !endsWithBytes(b, end, INLINED)) {
    for (let k = open - 1; k > start; k--) if (b[k] === 43 /* + */ && b[k + 1] === 48 && b[k + 2] === 120) return k;
  }
  return end;
}

function endsWithBytes(b: Uint8Array, end: number, suffix: Uint8Array): boolean {
  if (end < suffix.length) return false;
  for (let i = 0; i < suffix.length; i++) if (b[end - suffix.length + i] !== suffix[i]) return false;
  return true;
}

/** Byte strings → function ids, open addressing over FNV-1a hashes; keys are copied into one pool. */
class ByteKeyTable {
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1024);
  private offsets = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private values = new Int32Array(1024);
  private pool = new Uint8Array(1 << 16);
  private poolUsed = 0;
  private count = 0;

  get(b: Uint8Array, start: number, end: number): number {
    const h = hashBytes(b, start, end);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e < 0) return -1;
      if (this.hashes[e] === h && this.equals(e, b, start, end)) return this.values[e]!;
    }
  }

  set(b: Uint8Array, start: number, end: number, value: number): void {
    if (this.get(b, start, end) >= 0) return;
    const length = end - start;
    if (this.count === this.values.length) this.growEntries();
    while (this.poolUsed + length > this.pool.length) {
      const grown = new Uint8Array(this.pool.length * 2);
      grown.set(this.pool);
      this.pool = grown;
    }
    this.pool.set(b.subarray(start, end), this.poolUsed);
    const e = this.count++;
    this.hashes[e] = hashBytes(b, start, end);
    this.offsets[e] = this.poolUsed;
    this.lengths[e] = length;
    this.values[e] = value;
    this.poolUsed += length;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(e);
  }

  private equals(e: number, b: Uint8Array, start: number, end: number): boolean {
    if (this.lengths[e] !== end - start) return false;
    const pool = this.pool;
    for (let i = 0, o = this.offsets[e]!; start + i < end; i++) if (pool[o + i] !== b[start + i]) return false;
    return true;
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.hashes[e]! & mask;
    while (this.slots[s]! >= 0) s = (s + 1) & mask;
    this.slots[s] = e;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(-1);
    for (let e = 0; e < this.count; e++) this.place(e);
  }

  private growEntries(): void {
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(a.length * 2);
      next.set(a);
      return next;
    };
    this.hashes = grow(this.hashes);
    this.offsets = grow(this.offsets);
    this.lengths = grow(this.lengths);
    this.values = grow(this.values);
  }
}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h | 0;
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

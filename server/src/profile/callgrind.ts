import { FrameKind, ProfileBuilder, type ProfileModel } from './model';
import { utf8FromLatin1 } from './lines';

/** Name tables: callgrind writes "(id) name" once and "(id)" afterwards. */
class CompressedNames {
  private readonly byId = new Map<string, string>();
  /**
   * What identifies the entry: its id when compressed (callgrind gives distinct
   * functions the same name, e.g. every frame below main is "(below main)"),
   * else its name.
   */
  key(value: string): string {
    const v = value.trim();
    if (v.charCodeAt(0) !== 40) return v;
    const close = v.indexOf(')');
    return close < 0 ? v : v.slice(0, close + 1);
  }
  resolve(value: string): string {
    const v = value.trim();
    if (v.charCodeAt(0) !== 40 /* ( */) return utf8FromLatin1(v);
    const close = v.indexOf(')');
    if (close < 0) return utf8FromLatin1(v);
    const id = v.slice(1, close);
    const name = v.slice(close + 1).trim();
    if (name.length > 0) {
      const decoded = utf8FromLatin1(name);
      this.byId.set(id, decoded);
      return decoded;
    }
    return this.byId.get(id) ?? `(${id})`;
  }
}

interface FunctionStats {
  self: number;
  /** Callee function id -> inclusive cost of the calls. */
  readonly calls: Map<number, number>;
}

/** Stop expanding the call graph into a tree below this many nodes, keeping the rest as self cost. */
const MAX_TREE_NODES = 400_000;
/** Subtrees lighter than this share of the total stay folded into their parent. */
const MIN_SHARE = 1e-6;

/**
 * Streaming parser for callgrind.out files (format version 1): name compression
 * (ob/fl/fi/fe/fn/cob/cfi/cfl/cfn), subposition compression (+n, -n, *), hex
 * positions, `calls=` lines whose following cost line is the inclusive cost of
 * the call. Callgrind records a call graph, not stacks; finish() unrolls it
 * into a call tree, splitting each callee's cost over its callers in
 * proportion to the calls' inclusive costs (as speedscope does).
 */
export class CallgrindParser {
  private readonly objects = new CompressedNames();
  private readonly files = new CompressedNames();
  private readonly functions = new CompressedNames();
  private readonly stats: FunctionStats[] = [];
  private readonly funcIds = new Map<string, number>();
  private readonly funcNames: string[] = [];
  private readonly funcFiles: (string | undefined)[] = [];
  /** Smallest line with cost in the function's own file (fallback when nothing calls it). */
  private readonly funcLines: number[] = [];
  /** The line calls enter the function at (calls= target position): its first instruction, near the definition. */
  private readonly entryLines: number[] = [];
  private readonly funcObjects: (string | undefined)[] = [];
  private unit = 'Ir';
  private positions = 1;
  private readonly lastPosition: number[] = [0];
  private object: string | undefined;
  private fnFile: string | undefined;
  private currentFile: string | undefined;
  private currentFunc = -1;
  private callObject: string | undefined;
  private callFile: string | undefined;
  private callTarget = -1;
  /** Set by a calls= line: the next cost line is that call's inclusive cost. */
  private pendingCall = -1;
  private sawHeader = false;

  line(line: string): void {
    if (line.length === 0) return;
    const c = line.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) {
      this.costLine(line);
      return;
    }
    const eq = line.indexOf('=');
    const colon = line.indexOf(':');
    if (eq > 0 && (colon < 0 || eq < colon)) {
      this.assignment(line.slice(0, eq), line.slice(eq + 1));
      return;
    }
    if (colon > 0) this.header(line.slice(0, colon), line.slice(colon + 1).trim());
  }

  finish(): ProfileModel {
    if (!this.sawHeader && this.stats.length === 0) throw new Error('not a callgrind profile: no "events:" header and no functions');
    const b = new ProfileBuilder(this.unit);
    const ids = this.funcNames.map((name, i) => {
      const id = b.func(name, name === '???' || name.startsWith('0x') ? FrameKind.unknown : FrameKind.user, this.funcObjects[i]);
      const file = this.funcFiles[i];
      if (file !== undefined && file !== '???') b.setSource(id, file, this.entryLines[i] || this.funcLines[i] || 0);
      return id;
    });
    unrollCallGraph(b, this.stats, ids);
    return b.finish();
  }

  private header(key: string, value: string): void {
    switch (key) {
      case 'events':
        this.unit = value.split(/\s+/)[0] || 'Ir';
        this.sawHeader = true;
        break;
      case 'positions': {
        this.positions = Math.max(1, value.split(/\s+/).filter(Boolean).length);
        this.lastPosition.length = 0;
        for (let i = 0; i < this.positions; i++) this.lastPosition.push(0);
        break;
      }
      case 'version':
      case 'creator':
      case 'cmd':
        this.sawHeader = true;
        break;
    }
  }

  private assignment(key: string, value: string): void {
    switch (key) {
      case 'ob':
        this.object = this.objects.resolve(value);
        break;
      case 'fl':
        this.fnFile = this.files.resolve(value);
        this.currentFile = this.fnFile;
        break;
      case 'fi':
      case 'fe':
        this.currentFile = this.files.resolve(value);
        break;
      case 'fn':
        this.currentFunc = this.function(this.functions.key(value), this.functions.resolve(value), this.object, this.fnFile);
        this.currentFile = this.fnFile;
        break;
      case 'cob':
        this.callObject = this.objects.resolve(value);
        break;
      case 'cfi':
      case 'cfl':
        this.callFile = this.files.resolve(value);
        break;
      case 'cfn':
        this.callTarget = this.function(
          this.functions.key(value),
          this.functions.resolve(value),
          this.callObject ?? this.object,
          this.callFile ?? this.currentFile,
        );
        break;
      case 'calls': {
        // calls=<count> <target position>: the target's first position is the callee's entry line.
        // The target position is compressed relative to the last position, without moving it.
        const parts = value.trim().split(/\s+/);
        const lineToken = parts[this.positions];
        if (this.callTarget >= 0 && lineToken !== undefined) {
          const line = this.position(lineToken, this.positions - 1);
          if (line > 0 && this.entryLines[this.callTarget] === 0) this.entryLines[this.callTarget] = line;
        }
        this.pendingCall = this.callTarget;
        this.callObject = undefined;
        this.callFile = undefined;
        break;
      }
      // jump=/jcnd= and unknown keys carry no cost we use.
    }
  }

  private function(key: string, name: string, object: string | undefined, file: string | undefined): number {
    let id = this.funcIds.get(key);
    if (id === undefined) {
      id = this.funcNames.length;
      this.funcIds.set(key, id);
      this.funcNames.push(name);
      this.funcFiles.push(file);
      this.funcLines.push(0);
      this.entryLines.push(0);
      this.funcObjects.push(object);
      this.stats.push({ self: 0, calls: new Map() });
    } else if (this.funcFiles[id] === undefined && file !== undefined) {
      this.funcFiles[id] = file;
    }
    return id;
  }

  /** A position token: absolute, relative to the last one (+n, -n), or the same (*). */
  private position(token: string, column: number): number {
    const c = token.charCodeAt(0);
    const last = this.lastPosition[column] ?? 0;
    return c === 42 ? last : c === 43 || c === 45 ? last + parseNumber(token) : parseNumber(token);
  }

  private costLine(line: string): void {
    const tokens = line.trim().split(/\s+/);
    let sourceLine = 0;
    for (let i = 0; i < this.positions && i < tokens.length; i++) {
      const value = this.position(tokens[i]!, i);
      this.lastPosition[i] = value;
      if (i === this.positions - 1) sourceLine = value;
    }
    const costToken = tokens[this.positions];
    const cost = costToken === undefined ? 0 : parseNumber(costToken);
    if (this.currentFunc < 0) return;
    if (this.pendingCall >= 0) {
      const calls = this.stats[this.currentFunc]!.calls;
      if (this.pendingCall !== this.currentFunc) calls.set(this.pendingCall, (calls.get(this.pendingCall) ?? 0) + cost);
      this.pendingCall = -1;
      return;
    }
    this.stats[this.currentFunc]!.self += cost;
    // Lines inside the function's own file place it; inlined code (fi=/fe=) does not.
    if (sourceLine > 0 && this.currentFile === this.funcFiles[this.currentFunc]) {
      const known = this.funcLines[this.currentFunc]!;
      if (known === 0 || sourceLine < known) this.funcLines[this.currentFunc] = sourceLine;
    }
  }
}

function parseNumber(token: string): number {
  const negative = token.charCodeAt(0) === 45;
  const t = token.charCodeAt(0) === 43 || negative ? token.slice(1) : token;
  const v = t.startsWith('0x') ? parseInt(t.slice(2), 16) : Number(t);
  if (!Number.isFinite(v)) return 0;
  return negative ? -v : v;
}

/** Expands the call graph from its roots into builder's tree. */
function unrollCallGraph(b: ProfileBuilder, stats: readonly FunctionStats[], ids: readonly number[]): void {
  const n = stats.length;
  const inclusive = new Float64Array(n);
  const called = new Uint8Array(n);
  for (let f = 0; f < n; f++) {
    let sum = stats[f]!.self;
    for (const [g, cost] of stats[f]!.calls) {
      sum += cost;
      called[g] = 1;
    }
    inclusive[f] = sum;
  }
  let total = 0;
  for (let f = 0; f < n; f++) if (!called[f]) total += inclusive[f]!;
  const minWeight = total * MIN_SHARE;
  const onPath = new Uint8Array(n);
  let nodes = 0;

  const expand = (f: number, weight: number, parent: number): void => {
    const node = b.child(parent, ids[f]!);
    nodes++;
    const ratio = inclusive[f]! > 0 ? weight / inclusive[f]! : 0;
    let self = stats[f]!.self * ratio;
    onPath[f] = 1;
    for (const [g, cost] of stats[f]!.calls) {
      const w = cost * ratio;
      if (w <= 0) continue;
      // A call back into a function already on the path (a cycle such as "(below main)" ->
      // __libc_start_main -> "(below main)") is counted where that function first appears.
      if (onPath[g]) continue;
      // Tiny subtrees and runaway trees stay as this frame's cost.
      if (w < minWeight || nodes >= MAX_TREE_NODES) self += w;
      else expand(g, w, node);
    }
    onPath[f] = 0;
    b.addSelf(node, self);
  };
  let roots = 0;
  for (let f = 0; f < n; f++) {
    if (!called[f] && inclusive[f]! > 0) {
      expand(f, inclusive[f]!, 0);
      roots++;
    }
  }
  if (roots === 0 && n > 0) {
    // Everything is called by something (one big cycle): start from the heaviest function.
    let top = 0;
    for (let f = 1; f < n; f++) if (inclusive[f]! > inclusive[top]!) top = f;
    expand(top, inclusive[top]!, 0);
  }
}

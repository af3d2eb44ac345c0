/**
 * The one in-memory profile model every view reads: a call tree stored in typed
 * arrays (node 0 is the synthetic root) over a table of interned functions.
 * Children are always created after their parent, so a reverse scan over the
 * node arrays visits every child before its parent (used to sum totals).
 * No Node API: the flamegraph page bundles this module.
 */

/** What kind of code a frame is; the panel colours frames by it. */
export const FrameKind = { user: 0, kernel: 1, inlined: 2, unknown: 3 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export interface ProfileModel {
  /** What a weight counts: "samples" for perf, the event name (e.g. "Ir") for callgrind. */
  readonly unit: string;
  /** Interned strings: function names, modules, files. */
  readonly strings: readonly string[];
  /** Per function: index into strings of its name. */
  readonly funcName: Int32Array;
  /** Per function: index into strings of its module (binary or DSO), -1 when unknown. */
  readonly funcModule: Int32Array;
  /** Per function: index into strings of its source file, -1 when unknown. */
  readonly funcFile: Int32Array;
  /** Per function: 1-based source line, 0 when unknown. */
  readonly funcLine: Int32Array;
  /** Per function: a FrameKind. */
  readonly funcKind: Uint8Array;
  /** Per node: parent node, -1 for the root. */
  readonly nodeParent: Int32Array;
  /** Per node: function index, -1 for the root. */
  readonly nodeFunc: Int32Array;
  /** Per node: weight measured in this frame itself. */
  readonly nodeSelf: Float64Array;
  /** Per node: self plus all descendants. */
  readonly nodeTotal: Float64Array;
  /**
   * Differential profiles only: per node, the "before" profile's self weight,
   * scaled so both profiles have the same total.
   */
  readonly baselineSelf?: Float64Array;
  /** Differential profiles only: per node, the scaled "before" total. */
  readonly baselineTotal?: Float64Array;
}

/** The node arrays of a ProfileModel: a call tree over some function table. */
export type CallTree = Pick<ProfileModel, 'nodeParent' | 'nodeFunc' | 'nodeSelf' | 'nodeTotal'>;

/** A model over the same functions with another call tree (derived views, such as a sandwich). */
export function withCallTree(model: ProfileModel, tree: CallTree): ProfileModel {
  const { unit, strings, funcName, funcModule, funcFile, funcLine, funcKind } = model;
  return { unit, strings, funcName, funcModule, funcFile, funcLine, funcKind, ...tree };
}

export function functionCount(model: ProfileModel): number {
  return model.funcName.length;
}

export function nodeCount(model: ProfileModel): number {
  return model.nodeParent.length;
}

export function totalWeight(model: ProfileModel): number {
  return model.nodeTotal.length > 0 ? model.nodeTotal[0]! : 0;
}

export function functionName(model: ProfileModel, func: number): string {
  return func < 0 ? 'all' : model.strings[model.funcName[func]!]!;
}

/** The binary or DSO a function was sampled in, when known. */
export function functionModule(model: ProfileModel, func: number): string | undefined {
  const module = model.funcModule[func]!;
  return module >= 0 ? model.strings[module] : undefined;
}

/** Where a function is defined, when the importer or addr2line could tell. */
export function functionSource(model: ProfileModel, func: number): { file: string; line?: number } | undefined {
  const file = model.funcFile[func]!;
  if (file < 0) return undefined;
  const line = model.funcLine[func]!;
  return line > 0 ? { file: model.strings[file]!, line } : { file: model.strings[file]! };
}

/** Children of every node in compressed form: children of n are childIndex[childStart[n] .. childStart[n+1]). */
export interface ChildLists {
  readonly childStart: Int32Array;
  readonly childIndex: Int32Array;
}

export function childLists(model: ProfileModel): ChildLists {
  const n = nodeCount(model);
  const childStart = new Int32Array(n + 1);
  for (let i = 1; i < n; i++) childStart[model.nodeParent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, n);
  const childIndex = new Int32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) childIndex[fill[model.nodeParent[i]!]!++] = i;
  return { childStart, childIndex };
}

/** Grows typed arrays by doubling so building a tree of millions of nodes stays linear. */
class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

class GrowableFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Node keys pack (parent, function) into one number; 2^26 functions is far beyond real profiles. */
const FUNC_KEY_SPACE = 67108864;

/** Builds a call tree over a function table kept elsewhere: one node per (parent, function), node 0 the root. */
export class CallTreeBuilder {
  private readonly nodeParent = new GrowableInt32();
  private readonly nodeFunc = new GrowableInt32();
  private readonly nodeSelf = new GrowableFloat64();
  private readonly nodeIds = new Map<number, number>();
  private lastChildFunc = new Int32Array(1024).fill(-1);
  private lastChild = new Int32Array(1024);

  constructor() {
    this.nodeParent.push(-1);
    this.nodeFunc.push(-1);
    this.nodeSelf.push(0);
  }

  nodeCount(): number {
    return this.nodeParent.length;
  }

  /** The child of `parent` for `func`, created on first use. */
  child(parent: number, func: number): number {
    // Consecutive stacks share most of their frames: try the child this parent gave last time.
    if (parent < this.lastChildFunc.length && this.lastChildFunc[parent] === func) return this.lastChild[parent]!;
    const id = this.lookupChild(parent, func);
    if (parent >= this.lastChildFunc.length) this.growChildCache(parent + 1);
    this.lastChildFunc[parent] = func;
    this.lastChild[parent] = id;
    return id;
  }

  private growChildCache(min: number): void {
    let size = this.lastChildFunc.length;
    while (size < min) size *= 2;
    const funcs = new Int32Array(size).fill(-1);
    funcs.set(this.lastChildFunc);
    const children = new Int32Array(size);
    children.set(this.lastChild);
    this.lastChildFunc = funcs;
    this.lastChild = children;
  }

  private lookupChild(parent: number, func: number): number {
    const key = parent * FUNC_KEY_SPACE + func;
    let id = this.nodeIds.get(key);
    if (id === undefined) {
      id = this.nodeParent.length;
      this.nodeIds.set(key, id);
      this.nodeParent.push(parent);
      this.nodeFunc.push(func);
      this.nodeSelf.push(0);
    }
    return id;
  }

  addSelf(node: number, weight: number): void {
    this.nodeSelf.data[node]! += weight;
  }

  /** Adds one stack given root-first in frames[0..length). */
  addStack(frames: ArrayLike<number>, length: number, weight: number): void {
    let node = 0;
    for (let i = 0; i < length; i++) node = this.child(node, frames[i]!);
    this.nodeSelf.data[node]! += weight;
  }

  finish(): CallTree {
    const nodeSelf = this.nodeSelf.trimmed();
    const nodeParent = this.nodeParent.trimmed();
    return { nodeParent, nodeFunc: this.nodeFunc.trimmed(), nodeSelf, nodeTotal: sumTotals(nodeParent, nodeSelf) };
  }
}

/** Builds a ProfileModel from stacks, interning strings and functions as it goes. */
export class ProfileBuilder {
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly funcIds = new Map<string, number>();
  private readonly funcName = new GrowableInt32();
  private readonly funcModule = new GrowableInt32();
  private readonly funcFile = new GrowableInt32();
  private readonly funcLine = new GrowableInt32();
  private readonly funcKind = new GrowableInt32();
  private readonly tree = new CallTreeBuilder();

  constructor(private readonly unit: string = 'samples') {}

  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /** The function named `name`, created on first use (functions are identified by name). */
  func(name: string, kind: FrameKind = FrameKind.user, module?: string): number {
    let id = this.funcIds.get(name);
    if (id === undefined) {
      id = this.funcName.length;
      this.funcIds.set(name, id);
      this.funcName.push(this.intern(name));
      this.funcModule.push(module === undefined ? -1 : this.intern(module));
      this.funcFile.push(-1);
      this.funcLine.push(0);
      this.funcKind.push(kind);
    }
    return id;
  }

  nodeCountSoFar(): number {
    return this.tree.nodeCount();
  }

  functionCount(): number {
    return this.funcName.length;
  }

  functionNameOf(func: number): string {
    return this.strings[this.funcName.data[func]!]!;
  }

  moduleOf(func: number): string | undefined {
    const m = this.funcModule.data[func]!;
    return m < 0 ? undefined : this.strings[m];
  }

  /**
   * Records where a function lives. The smallest line seen in its own file wins:
   * sampled lines lie inside the body, so the smallest is nearest the definition.
   */
  setSource(func: number, file: string, line: number): void {
    const fileId = this.intern(file);
    const current = this.funcFile.data[func]!;
    if (current < 0 || (current === fileId && line > 0 && (this.funcLine.data[func] === 0 || line < this.funcLine.data[func]!))) {
      this.funcFile.data[func] = fileId;
      this.funcLine.data[func] = line > 0 ? line : 0;
    }
  }

  hasSource(func: number): boolean {
    return this.funcFile.data[func]! >= 0;
  }

  /** The child of `parent` for `func`, created on first use. */
  child(parent: number, func: number): number {
    return this.tree.child(parent, func);
  }

  addSelf(node: number, weight: number): void {
    this.tree.addSelf(node, weight);
  }

  /** Adds one stack given root-first in frames[0..length). */
  addStack(frames: ArrayLike<number>, length: number, weight: number): void {
    this.tree.addStack(frames, length, weight);
  }

  finish(): ProfileModel {
    return {
      unit: this.unit,
      strings: this.strings,
      funcName: this.funcName.trimmed(),
      funcModule: this.funcModule.trimmed(),
      funcFile: this.funcFile.trimmed(),
      funcLine: this.funcLine.trimmed(),
      funcKind: Uint8Array.from(this.funcKind.trimmed()),
      ...this.tree.finish(),
    };
  }
}

/** Totals from self weights: children come after parents, so one reverse pass suffices. */
export function sumTotals(nodeParent: Int32Array, nodeSelf: Float64Array): Float64Array {
  const total = Float64Array.from(nodeSelf);
  for (let i = total.length - 1; i > 0; i--) total[nodeParent[i]!]! += total[i]!;
  return total;
}

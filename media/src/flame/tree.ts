import type { SerialisedProfile } from '../../../server/src/profile/serialise';

/** Fields per function in SerialisedProfile.funcs: name, module, file, line, kind. */
const FUNC_FIELDS = 5;

/** Function table shared by the main tree and the trees derived from it (sandwich views). */
export class Functions {
  readonly count: number;
  constructor(
    readonly strings: readonly string[],
    private readonly fields: readonly number[],
  ) {
    this.count = fields.length / FUNC_FIELDS;
  }
  name(f: number): string {
    return f < 0 ? 'all' : (this.strings[this.fields[f * FUNC_FIELDS]!] ?? '?');
  }
  module(f: number): string | undefined {
    const s = this.fields[f * FUNC_FIELDS + 1]!;
    return s >= 0 ? this.strings[s] : undefined;
  }
  file(f: number): string | undefined {
    const s = this.fields[f * FUNC_FIELDS + 2]!;
    return s >= 0 ? this.strings[s] : undefined;
  }
  line(f: number): number | undefined {
    const l = this.fields[f * FUNC_FIELDS + 3]!;
    return l > 0 ? l : undefined;
  }
  kind(f: number): number {
    return this.fields[f * FUNC_FIELDS + 4] ?? 0;
  }
}

/**
 * A call tree laid out for drawing: children sorted heaviest first, each node's
 * horizontal start (in weight units from the left edge) and depth.
 */
export class Tree {
  readonly size: number;
  readonly total: Float64Array;
  readonly childStart: Int32Array;
  readonly childIndex: Int32Array;
  readonly start: Float64Array;
  readonly depth: Int32Array;
  readonly maxDepth: number;
  readonly baselineTotal?: Float64Array;

  constructor(
    readonly functions: Functions,
    readonly parent: Int32Array,
    readonly func: Int32Array,
    readonly self: Float64Array,
    readonly baselineSelf?: Float64Array,
  ) {
    const n = parent.length;
    this.size = n;
    this.total = sumTotals(parent, self);
    if (baselineSelf) this.baselineTotal = sumTotals(parent, baselineSelf);
    const childStart = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) childStart[parent[i]! + 1]!++;
    for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
    const fill = childStart.slice(0, n);
    const childIndex = new Int32Array(Math.max(0, n - 1));
    for (let i = 1; i < n; i++) childIndex[fill[parent[i]!]!++] = i;
    const total = this.total;
    for (let p = 0; p < n; p++) {
      const a = childStart[p]!;
      const b = childStart[p + 1]!;
      if (b - a > 1) childIndex.subarray(a, b).sort((x, y) => total[y]! - total[x]! || x - y);
    }
    // Parents precede children, so one forward pass places every node.
    const start = new Float64Array(n);
    const depth = new Int32Array(n);
    let maxDepth = 0;
    for (let p = 0; p < n; p++) {
      let x = start[p]!;
      const d = depth[p]! + 1;
      for (let i = childStart[p]!; i < childStart[p + 1]!; i++) {
        const c = childIndex[i]!;
        start[c] = x;
        depth[c] = d;
        x += total[c]!;
        if (d > maxDepth) maxDepth = d;
      }
    }
    this.childStart = childStart;
    this.childIndex = childIndex;
    this.start = start;
    this.depth = depth;
    this.maxDepth = maxDepth;
  }

  get rootTotal(): number {
    return this.total[0] ?? 0;
  }

  name(node: number): string {
    return this.functions.name(this.func[node]!);
  }

  /** Node ids from the root (0) to node, inclusive. */
  pathTo(node: number): number[] {
    const path: number[] = [];
    for (let n = node; n >= 0; n = this.parent[n]!) path.push(n);
    return path.reverse();
  }

  /** The node reached by following function names from the root, as far as they match. */
  findPath(names: readonly string[]): number {
    let node = 0;
    for (const name of names) {
      let next = -1;
      for (let i = this.childStart[node]!; i < this.childStart[node + 1]!; i++) {
        if (this.name(this.childIndex[i]!) === name) {
          next = this.childIndex[i]!;
          break;
        }
      }
      if (next < 0) break;
      node = next;
    }
    return node;
  }
}

function sumTotals(parent: Int32Array, self: Float64Array): Float64Array {
  const total = Float64Array.from(self);
  for (let i = total.length - 1; i > 0; i--) total[parent[i]!]! += total[i]!;
  return total;
}

/** Checks and decodes a profile received from the host or embedded in the page. */
export function treeFromSerialised(d: SerialisedProfile): Tree {
  if (!d || d.version !== 1 || !Array.isArray(d.strings) || !Array.isArray(d.funcs) || !Array.isArray(d.parent)) {
    throw new Error('not a serialised profile (version 1)');
  }
  const n = d.parent.length;
  if (!Array.isArray(d.func) || !Array.isArray(d.self) || d.func.length !== n || d.self.length !== n || n === 0) {
    throw new Error('serialised profile: array lengths disagree');
  }
  const parent = Int32Array.from(d.parent);
  const func = Int32Array.from(d.func);
  const funcCount = d.funcs.length / FUNC_FIELDS;
  parent[0] = -1;
  func[0] = -1;
  for (let i = 1; i < n; i++) {
    if (!(parent[i]! >= 0 && parent[i]! < i) || !(func[i]! >= 0 && func[i]! < funcCount)) throw new Error(`serialised profile: node ${i} is malformed`);
  }
  const baseline = Array.isArray(d.baselineSelf) && d.baselineSelf.length === n ? Float64Array.from(d.baselineSelf) : undefined;
  return new Tree(new Functions(d.strings.map(String), d.funcs), parent, func, Float64Array.from(d.self), baseline);
}

/** Builds a derived tree (sandwich views) over an existing function table. */
class TreeBuilder {
  private readonly parent: number[] = [-1];
  private readonly func: number[] = [-1];
  private readonly self: number[] = [0];
  private readonly ids = new Map<number, number>();
  private readonly funcSpace: number;
  constructor(private readonly functions: Functions) {
    this.funcSpace = functions.count + 1;
  }
  child(parent: number, func: number): number {
    const key = parent * this.funcSpace + func;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.parent.length;
      this.ids.set(key, id);
      this.parent.push(parent);
      this.func.push(func);
      this.self.push(0);
    }
    return id;
  }
  add(node: number, weight: number): void {
    this.self[node]! += weight;
  }
  finish(): Tree {
    return new Tree(this.functions, Int32Array.from(this.parent), Int32Array.from(this.func), Float64Array.from(this.self));
  }
}

/** Per function: self weight, and total weight counting each stack once even through recursion. */
export function functionTotals(tree: Tree, useBaseline = false): { self: Float64Array; total: Float64Array } {
  const n = tree.functions.count;
  const self = new Float64Array(n);
  const total = new Float64Array(n);
  const nodeSelf = useBaseline ? tree.baselineSelf : tree.self;
  const nodeTotal = useBaseline ? tree.baselineTotal : tree.total;
  if (!nodeSelf || !nodeTotal) return { self, total };
  forEachOutermost(tree, (node, func, outermost) => {
    self[func]! += nodeSelf[node]!;
    if (outermost) total[func]! += nodeTotal[node]!;
  });
  return { self, total };
}

/** Visits every node (but the root) depth-first, saying whether it is the outermost frame of its function on its path. */
function forEachOutermost(tree: Tree, visit: (node: number, func: number, outermost: boolean) => void): void {
  const onPath = new Int32Array(tree.functions.count);
  const stack: number[] = [0];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry < 0) {
      onPath[tree.func[~entry]!]!--;
      continue;
    }
    const func = tree.func[entry]!;
    if (entry !== 0) {
      visit(entry, func, onPath[func] === 0);
      onPath[func]!++;
      stack.push(~entry);
    }
    for (let i = tree.childStart[entry + 1]! - 1; i >= tree.childStart[entry]!; i--) stack.push(tree.childIndex[i]!);
  }
}

/** Share of the total under frames whose function matches (nested matches counted once). */
export function matchedWeight(tree: Tree, matches: Uint8Array): number {
  let sum = 0;
  const stack: number[] = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node !== 0 && matches[tree.func[node]!]) {
      sum += tree.total[node]!;
      continue;
    }
    for (let i = tree.childStart[node]!; i < tree.childStart[node + 1]!; i++) stack.push(tree.childIndex[i]!);
  }
  return sum;
}

/**
 * The sandwich of one function: callers (an inverted tree rooted at the
 * function, its callers as children) and callees (its subtrees merged), both
 * from its outermost frames so recursion is counted once.
 */
export function sandwich(tree: Tree, func: number): { callers: Tree; callees: Tree } {
  const callers = new TreeBuilder(tree.functions);
  const callees = new TreeBuilder(tree.functions);
  const calleeRoot = callees.child(0, func);
  const callerRoot = callers.child(0, func);
  const mergeSubtree = (from: number, into: number): void => {
    const pairs: number[] = [from, into];
    while (pairs.length > 0) {
      const to = pairs.pop()!;
      const node = pairs.pop()!;
      callees.add(to, tree.self[node]!);
      for (let i = tree.childStart[node]!; i < tree.childStart[node + 1]!; i++) {
        const c = tree.childIndex[i]!;
        pairs.push(c, callees.child(to, tree.func[c]!));
      }
    }
  };
  forEachOutermost(tree, (node, f, outermost) => {
    if (f !== func || !outermost) return;
    mergeSubtree(node, calleeRoot);
    let at = callerRoot;
    for (let p = tree.parent[node]!; p > 0; p = tree.parent[p]!) at = callers.child(at, tree.func[p]!);
    callers.add(at, tree.total[node]!);
  });
  return { callers: callers.finish(), callees: callees.finish() };
}

/** Folded stacks of the whole tree (whole samples), as flamegraph.pl and speedscope read them. */
export function foldedOf(tree: Tree): string {
  const out: string[] = [];
  const path: string[] = [];
  const visit = (node: number): void => {
    if (node !== 0) {
      path.push(tree.name(node).replace(/;/g, ':').replace(/[\r\n]/g, ' '));
      const self = Math.round(tree.self[node]!);
      if (self > 0) out.push(`${path.join(';')} ${self}\n`);
    }
    for (let i = tree.childStart[node]!; i < tree.childStart[node + 1]!; i++) visit(tree.childIndex[i]!);
    if (node !== 0) path.pop();
  };
  visit(0);
  return out.join('');
}

/** A speedscope file of the whole tree: one sample per distinct stack weighted by its self weight. */
export function speedscopeOf(tree: Tree, name: string): string {
  const frames: { name: string; file?: string; line?: number }[] = [];
  for (let f = 0; f < tree.functions.count; f++) {
    const file = tree.functions.file(f);
    const line = tree.functions.line(f);
    frames.push({ name: tree.functions.name(f), ...(file ? { file } : {}), ...(line ? { line } : {}) });
  }
  const samples: number[][] = [];
  const weights: number[] = [];
  const path: number[] = [];
  const visit = (node: number): void => {
    if (node !== 0) {
      path.push(tree.func[node]!);
      if (tree.self[node]! > 0) {
        samples.push([...path]);
        weights.push(tree.self[node]!);
      }
    }
    for (let i = tree.childStart[node]!; i < tree.childStart[node + 1]!; i++) visit(tree.childIndex[i]!);
    if (node !== 0) path.pop();
  };
  visit(0);
  return JSON.stringify({
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    name,
    exporter: 'hakmem',
    activeProfileIndex: 0,
    shared: { frames },
    profiles: [{ type: 'sampled', name, unit: 'none', startValue: 0, endValue: tree.rootTotal, samples, weights }],
  });
}

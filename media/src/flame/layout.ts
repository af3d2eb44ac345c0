// The profile model (server/src/profile/model.ts) laid out for drawing, and the
// views only the page needs: search shares and the sandwich of one function.
import { forEachFrame } from '../../../server/src/profile/hotspots';
import {
  CallTreeBuilder,
  childLists,
  functionName,
  withCallTree,
  type ChildLists,
  type ProfileModel,
} from '../../../server/src/profile/model';

/**
 * A call tree laid out for drawing: children sorted heaviest first, each node's
 * horizontal start (in weight units from the left edge) and depth. The node
 * arrays are the model's own.
 */
export class FlameLayout implements ChildLists {
  readonly size: number;
  readonly parent: Int32Array;
  readonly func: Int32Array;
  readonly self: Float64Array;
  readonly total: Float64Array;
  readonly baselineSelf?: Float64Array;
  readonly baselineTotal?: Float64Array;
  readonly childStart: Int32Array;
  readonly childIndex: Int32Array;
  readonly start: Float64Array;
  readonly depth: Int32Array;
  readonly maxDepth: number;

  constructor(readonly model: ProfileModel) {
    const n = model.nodeParent.length;
    this.size = n;
    this.parent = model.nodeParent;
    this.func = model.nodeFunc;
    this.self = model.nodeSelf;
    this.total = model.nodeTotal;
    this.baselineSelf = model.baselineSelf;
    this.baselineTotal = model.baselineTotal;
    const total = this.total;
    const { childStart, childIndex } = childLists(model);
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
    return functionName(this.model, this.func[node]!);
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

/** Share of the total under frames whose function matches (nested matches counted once). */
export function matchedWeight(tree: FlameLayout, matches: Uint8Array): number {
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
 * from its outermost frames so recursion is counted once. Both share the
 * model's function table, so function ids mean the same in every view.
 */
export function sandwich(tree: FlameLayout, func: number): { callers: FlameLayout; callees: FlameLayout } {
  const callers = new CallTreeBuilder();
  const callees = new CallTreeBuilder();
  const calleeRoot = callees.child(0, func);
  const callerRoot = callers.child(0, func);
  const mergeSubtree = (from: number, into: number): void => {
    const pairs: number[] = [from, into];
    while (pairs.length > 0) {
      const to = pairs.pop()!;
      const node = pairs.pop()!;
      callees.addSelf(to, tree.self[node]!);
      for (let i = tree.childStart[node]!; i < tree.childStart[node + 1]!; i++) {
        const c = tree.childIndex[i]!;
        pairs.push(c, callees.child(to, tree.func[c]!));
      }
    }
  };
  forEachFrame(tree.model, tree, (node, f, outermost) => {
    if (f !== func || !outermost) return;
    mergeSubtree(node, calleeRoot);
    let at = callerRoot;
    for (let p = tree.parent[node]!; p > 0; p = tree.parent[p]!) at = callers.child(at, tree.func[p]!);
    callers.addSelf(at, tree.total[node]!);
  });
  return {
    callers: new FlameLayout(withCallTree(tree.model, callers.finish())),
    callees: new FlameLayout(withCallTree(tree.model, callees.finish())),
  };
}

import { childLists, functionCount, type ChildLists, type ProfileModel } from './model';

export interface FunctionWeights {
  /** Weight sampled in the function itself. */
  readonly self: Float64Array;
  /** Weight of every stack the function is on (recursion counted once). */
  readonly total: Float64Array;
}

/**
 * Visits every frame (every node but the root) depth-first in the order of
 * `children`, saying whether it is the outermost frame of its function on its
 * stack: totals that count recursion once add only those.
 */
export function forEachFrame(
  model: ProfileModel,
  children: ChildLists,
  visit: (node: number, func: number, outermost: boolean) => void,
): void {
  const { childStart, childIndex } = children;
  // How many frames of each function the current path holds.
  const onPath = new Int32Array(functionCount(model));
  // Node ids to enter, and ~id to leave a node.
  const stack: number[] = [0];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry < 0) {
      onPath[model.nodeFunc[~entry]!]!--;
      continue;
    }
    if (entry !== 0) {
      const func = model.nodeFunc[entry]!;
      visit(entry, func, onPath[func] === 0);
      onPath[func]!++;
      stack.push(~entry);
    }
    for (let i = childStart[entry + 1]! - 1; i >= childStart[entry]!; i--) stack.push(childIndex[i]!);
  }
}

/** Per function self and total weights over the whole tree. */
export function functionWeights(model: ProfileModel, useBaseline = false, children: ChildLists = childLists(model)): FunctionWeights {
  const n = functionCount(model);
  const self = new Float64Array(n);
  const total = new Float64Array(n);
  const nodeSelf = useBaseline ? model.baselineSelf : model.nodeSelf;
  const nodeTotal = useBaseline ? model.baselineTotal : model.nodeTotal;
  if (!nodeSelf || !nodeTotal) return { self, total };
  forEachFrame(model, children, (node, func, outermost) => {
    self[func]! += nodeSelf[node]!;
    if (outermost) total[func]! += nodeTotal[node]!;
  });
  return { self, total };
}

export interface HotFunction {
  readonly name: string;
  readonly selfPct: number;
  readonly totalPct: number;
  readonly file?: string;
  readonly line?: number;
}

/**
 * Functions by self share, hottest first, for CodeLens, hovers and the CLI.
 * Functions with no samples at all are left out.
 */
export function hotFunctions(model: ProfileModel): HotFunction[] {
  const { self, total } = functionWeights(model);
  const all = model.nodeTotal[0] ?? 0;
  if (all <= 0) return [];
  const out: HotFunction[] = [];
  for (let f = 0; f < self.length; f++) {
    if (total[f]! <= 0) continue;
    const file = model.funcFile[f]!;
    const line = model.funcLine[f]!;
    out.push({
      name: model.strings[model.funcName[f]!]!,
      selfPct: (100 * self[f]!) / all,
      totalPct: (100 * total[f]!) / all,
      ...(file >= 0 ? { file: model.strings[file]! } : {}),
      ...(file >= 0 && line > 0 ? { line } : {}),
    });
  }
  return out.sort((a, b) => b.selfPct - a.selfPct || b.totalPct - a.totalPct || a.name.localeCompare(b.name));
}

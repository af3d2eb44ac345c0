import { childLists, type ProfileModel } from './model';

export interface FunctionWeights {
  /** Weight sampled in the function itself. */
  readonly self: Float64Array;
  /** Weight of every stack the function is on (recursion counted once). */
  readonly total: Float64Array;
}

/** Per function self and total weights over the whole tree. */
export function functionWeights(model: ProfileModel, useBaseline = false): FunctionWeights {
  const n = model.funcName.length;
  const self = new Float64Array(n);
  const total = new Float64Array(n);
  const nodeSelf = useBaseline ? model.baselineSelf : model.nodeSelf;
  const nodeTotal = useBaseline ? model.baselineTotal : model.nodeTotal;
  if (!nodeSelf || !nodeTotal) return { self, total };
  const { childStart, childIndex } = childLists(model);
  // How many times each function is on the current path: only its outermost frame counts towards total.
  const onPath = new Int32Array(n);
  const stack: number[] = [0];
  const exiting: boolean[] = [false];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const exit = exiting.pop()!;
    const func = model.nodeFunc[node]!;
    if (exit) {
      if (func >= 0) onPath[func]!--;
      continue;
    }
    if (func >= 0) {
      self[func]! += nodeSelf[node]!;
      if (onPath[func] === 0) total[func]! += nodeTotal[node]!;
      onPath[func]!++;
    }
    stack.push(node);
    exiting.push(true);
    for (let i = childStart[node]!; i < childStart[node + 1]!; i++) {
      stack.push(childIndex[i]!);
      exiting.push(false);
    }
  }
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

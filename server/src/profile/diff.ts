import { functionModule, ProfileBuilder, sumTotals, type FrameKind, type ProfileModel } from './model';

/** Copies function `f` of `from` into the builder (by name), with its source location. */
function copyFunction(b: ProfileBuilder, from: ProfileModel, f: number): number {
  const name = from.strings[from.funcName[f]!]!;
  const id = b.func(name, from.funcKind[f] as FrameKind, functionModule(from, f));
  if (!b.hasSource(id) && from.funcFile[f]! >= 0) b.setSource(id, from.strings[from.funcFile[f]!]!, from.funcLine[f]!);
  return id;
}

/** Maps every node of `from` onto the builder's tree (matching frames by the names on their path). */
function mapTree(b: ProfileBuilder, from: ProfileModel): Int32Array {
  const funcs = new Int32Array(from.funcName.length).fill(-1);
  const nodes = new Int32Array(from.nodeParent.length);
  for (let i = 1; i < from.nodeParent.length; i++) {
    const f = from.nodeFunc[i]!;
    if (funcs[f] === -1) funcs[f] = copyFunction(b, from, f);
    nodes[i] = b.child(nodes[from.nodeParent[i]!]!, funcs[f]!);
  }
  return nodes;
}

/**
 * A differential profile: the "after" tree (weights as measured), with each
 * frame's "before" weight scaled so both profiles have the same total; frames
 * that only "before" had are present with zero "after" weight.
 */
export function diffProfiles(before: ProfileModel, after: ProfileModel): ProfileModel {
  const b = new ProfileBuilder(after.unit);
  const afterNodes = mapTree(b, after);
  for (let i = 1; i < afterNodes.length; i++) b.addSelf(afterNodes[i]!, after.nodeSelf[i]!);
  const beforeNodes = mapTree(b, before);
  const model = b.finish();
  const beforeTotal = before.nodeTotal[0] ?? 0;
  const scale = beforeTotal > 0 ? (after.nodeTotal[0] ?? 0) / beforeTotal : 0;
  const baselineSelf = new Float64Array(model.nodeParent.length);
  for (let i = 1; i < beforeNodes.length; i++) baselineSelf[beforeNodes[i]!]! += before.nodeSelf[i]! * scale;
  return { ...model, baselineSelf, baselineTotal: sumTotals(model.nodeParent, baselineSelf) };
}

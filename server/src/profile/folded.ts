// Folded stacks out of the model, as flamegraph.pl and speedscope read them
// (the parser is foldedParser.ts). No Node API: the flamegraph page exports with it.
import { FrameKind, childLists, type ProfileModel } from './model';

/** Suffixes stackcollapse-perf.pl --all adds, which flamegraph.pl colours by. */
const KIND_SUFFIX: Partial<Record<FrameKind, string>> = { [FrameKind.kernel]: '_[k]', [FrameKind.inlined]: '_[i]' };

/** A frame name made safe for one field of a folded line. */
function foldedName(model: ProfileModel, func: number): string {
  const name = model.strings[model.funcName[func]!]!.replace(/;/g, ':').replace(/[\r\n]/g, ' ');
  return name + (KIND_SUFFIX[model.funcKind[func] as FrameKind] ?? '');
}

/**
 * The profile as folded stacks, one line per distinct stack with self weight
 * (rounded to whole samples; stacks that round to 0 are left out).
 */
export function foldedText(model: ProfileModel): string {
  const { childStart, childIndex } = childLists(model);
  const out: string[] = [];
  const path: string[] = [];
  const names = new Map<number, string>();
  const visit = (node: number): void => {
    if (node !== 0) {
      const func = model.nodeFunc[node]!;
      let name = names.get(func);
      if (name === undefined) names.set(func, (name = foldedName(model, func)));
      path.push(name);
      const self = Math.round(model.nodeSelf[node]!);
      if (self > 0) out.push(`${path.join(';')} ${self}\n`);
    }
    for (let i = childStart[node]!; i < childStart[node + 1]!; i++) visit(childIndex[i]!);
    if (node !== 0) path.pop();
  };
  visit(0);
  return out.join('');
}

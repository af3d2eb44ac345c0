import { FrameKind, ProfileBuilder, childLists, type ProfileModel } from './model';
import { utf8FromLatin1 } from './lines';

/** Suffixes stackcollapse-perf.pl --all adds, which flamegraph.pl colours by. */
const KIND_SUFFIX: Partial<Record<FrameKind, string>> = { [FrameKind.kernel]: '_[k]', [FrameKind.inlined]: '_[i]' };

/** Streaming parser for folded stacks: `root;caller;leaf 123` per line. */
export class FoldedParser {
  private readonly builder = new ProfileBuilder('samples');
  private readonly frameIds = new Map<string, number>();
  private frames: number[] = [];
  private lineNumber = 0;
  private stacks = 0;

  line(line: string): void {
    this.lineNumber++;
    const text = line.trimEnd();
    if (text.length === 0 || text.startsWith('#')) return;
    const space = text.lastIndexOf(' ');
    const weight = space > 0 ? Number(text.slice(space + 1)) : NaN;
    if (!Number.isFinite(weight) || weight < 0) {
      throw new Error(`folded stacks line ${this.lineNumber}: expected "frame;frame;... <count>"`);
    }
    const frames = this.frames;
    frames.length = 0;
    for (const raw of text.slice(0, space).split(';')) {
      if (raw.length === 0) continue;
      let id = this.frameIds.get(raw);
      if (id === undefined) {
        id = this.frameId(raw);
        this.frameIds.set(raw, id);
      }
      frames.push(id);
    }
    this.builder.addStack(frames, frames.length, weight);
    this.stacks++;
  }

  finish(): ProfileModel {
    if (this.stacks === 0) throw new Error('folded stacks: no stacks found');
    return this.builder.finish();
  }

  private frameId(raw: string): number {
    const name = utf8FromLatin1(raw);
    if (name.endsWith('_[k]')) return this.builder.func(name.slice(0, -4), FrameKind.kernel);
    if (name.endsWith('_[i]')) return this.builder.func(name.slice(0, -4), FrameKind.inlined);
    if (name === '[unknown]' || /^\[[^\]]+\]$/.test(name)) return this.builder.func(name, FrameKind.unknown);
    return this.builder.func(name, FrameKind.user);
  }
}

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

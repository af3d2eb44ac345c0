import { FrameKind, ProfileBuilder, type ProfileModel } from './model';
import { utf8FromLatin1 } from './lines';

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

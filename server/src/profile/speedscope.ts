import { childLists, FrameKind, ProfileBuilder, type ProfileModel } from './model';

const SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
}

/** The profile as a speedscope file: one sampled profile, one sample per distinct stack weighted by its self weight. */
export function speedscopeJson(model: ProfileModel, name = 'profile'): string {
  const frames: SpeedscopeFrame[] = [];
  for (let f = 0; f < model.funcName.length; f++) {
    const frame: SpeedscopeFrame = { name: model.strings[model.funcName[f]!]! };
    if (model.funcFile[f]! >= 0) frame.file = model.strings[model.funcFile[f]!]!;
    if (model.funcLine[f]! > 0) frame.line = model.funcLine[f]!;
    frames.push(frame);
  }
  const { childStart, childIndex } = childLists(model);
  const samples: number[][] = [];
  const weights: number[] = [];
  const path: number[] = [];
  const visit = (node: number): void => {
    if (node !== 0) {
      path.push(model.nodeFunc[node]!);
      if (model.nodeSelf[node]! > 0) {
        samples.push([...path]);
        weights.push(model.nodeSelf[node]!);
      }
    }
    for (let i = childStart[node]!; i < childStart[node + 1]!; i++) visit(childIndex[i]!);
    if (node !== 0) path.pop();
  };
  visit(0);
  const total = model.nodeTotal[0] ?? 0;
  return JSON.stringify({
    $schema: SCHEMA,
    name,
    exporter: 'hakmem',
    activeProfileIndex: 0,
    shared: { frames },
    profiles: [{ type: 'sampled', name, unit: 'none', startValue: 0, endValue: total, samples, weights }],
  });
}

/** Reads a speedscope file's first sampled or evented profile. */
export function importSpeedscope(text: string): ProfileModel {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`speedscope file is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const d = data as { shared?: { frames?: SpeedscopeFrame[] }; profiles?: unknown[] };
  const frames = d?.shared?.frames;
  if (!Array.isArray(frames) || !Array.isArray(d.profiles) || d.profiles.length === 0) {
    throw new Error('speedscope file has no shared.frames or no profiles');
  }
  const b = new ProfileBuilder('samples');
  const ids = frames.map((fr, i) => {
    const name = typeof fr?.name === 'string' ? fr.name : `frame ${i}`;
    const id = b.func(name, name === '[unknown]' ? FrameKind.unknown : FrameKind.user);
    if (typeof fr?.file === 'string') b.setSource(id, fr.file, typeof fr.line === 'number' ? fr.line : 0);
    return id;
  });
  const frameId = (i: unknown): number => {
    const id = typeof i === 'number' ? ids[i] : undefined;
    if (id === undefined) throw new Error(`speedscope file refers to frame ${String(i)}, which does not exist`);
    return id;
  };
  const profile = d.profiles[0] as {
    type?: string;
    samples?: unknown[][];
    weights?: number[];
    events?: { type: string; frame: number; at: number }[];
  };
  if (profile.type === 'sampled' && Array.isArray(profile.samples)) {
    profile.samples.forEach((stack, k) => {
      const list = Array.isArray(stack) ? stack.map(frameId) : [];
      b.addStack(list, list.length, Number(profile.weights?.[k] ?? 1));
    });
  } else if (profile.type === 'evented' && Array.isArray(profile.events)) {
    // Open/close events: weight each stack by the time it was on top.
    const stack: number[] = [];
    let last = 0;
    for (const e of profile.events) {
      if (stack.length > 0 && e.at > last) b.addStack(stack, stack.length, e.at - last);
      last = e.at;
      if (e.type === 'O') stack.push(frameId(e.frame));
      else if (e.type === 'C') stack.pop();
    }
  } else {
    throw new Error(`speedscope profile type '${String(profile.type)}' is not supported (sampled or evented)`);
  }
  return b.finish();
}

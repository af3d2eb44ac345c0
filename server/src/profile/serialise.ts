// The profile model as plain JSON, for postMessage, pages and files. No Node
// API: the flamegraph page decodes with the same code.
import { sumTotals, type ProfileModel } from './model';

/** Fields per function in SerialisedProfile.funcs. */
export const FUNC_FIELDS = 5;

/** A ProfileModel as plain JSON: numbers plus one string table. */
export interface SerialisedProfile {
  readonly version: 1;
  /** What weights count: "samples", or a callgrind event such as "Ir". */
  readonly unit: string;
  /** Shown above the graph (benchmark, file name). */
  readonly title?: string;
  readonly strings: readonly string[];
  /** 5 numbers per function: name string, module string (-1), file string (-1), line (0 = unknown), FrameKind. */
  readonly funcs: readonly number[];
  /** Per node (node 0 is the root): parent node, -1 for the root; parents precede children. */
  readonly parent: readonly number[];
  /** Per node: function index, -1 for the root. */
  readonly func: readonly number[];
  /** Per node: self weight. */
  readonly self: readonly number[];
  /** Differential profiles: per node, the "before" self weight scaled to the "after" total. */
  readonly baselineSelf?: readonly number[];
}

/** The model as plain arrays of numbers plus a string table, for postMessage and pages. */
export function serialiseModel(model: ProfileModel, title?: string): SerialisedProfile {
  const n = model.funcName.length;
  const funcs = new Array<number>(n * FUNC_FIELDS);
  for (let f = 0; f < n; f++) {
    funcs[f * FUNC_FIELDS] = model.funcName[f]!;
    funcs[f * FUNC_FIELDS + 1] = model.funcModule[f]!;
    funcs[f * FUNC_FIELDS + 2] = model.funcFile[f]!;
    funcs[f * FUNC_FIELDS + 3] = model.funcLine[f]!;
    funcs[f * FUNC_FIELDS + 4] = model.funcKind[f]!;
  }
  const out: SerialisedProfile = {
    version: 1,
    unit: model.unit,
    strings: [...model.strings],
    funcs,
    parent: Array.from(model.nodeParent),
    func: Array.from(model.nodeFunc),
    self: Array.from(model.nodeSelf),
    ...(title !== undefined ? { title } : {}),
    ...(model.baselineSelf ? { baselineSelf: Array.from(model.baselineSelf) } : {}),
  };
  return out;
}

/** Rebuilds a model from serialiseModel's output, checking its shape (it may come from a file or a page). */
export function deserialiseModel(data: unknown): ProfileModel {
  const d = data as Partial<SerialisedProfile> | null;
  if (!d || d.version !== 1 || !Array.isArray(d.strings) || !Array.isArray(d.funcs) || !Array.isArray(d.parent)) {
    throw new Error('not a serialised profile (version 1)');
  }
  const nodes = d.parent.length;
  if (
    !Array.isArray(d.func) ||
    !Array.isArray(d.self) ||
    d.func.length !== nodes ||
    d.self.length !== nodes ||
    nodes === 0 ||
    d.funcs.length % FUNC_FIELDS
  ) {
    throw new Error('serialised profile: array lengths disagree');
  }
  const n = d.funcs.length / FUNC_FIELDS;
  const pick = (k: number): Int32Array => {
    const a = new Int32Array(n);
    for (let f = 0; f < n; f++) a[f] = d.funcs![f * FUNC_FIELDS + k]!;
    return a;
  };
  const strings = d.strings.length;
  const names = pick(0);
  const modules = pick(1);
  const files = pick(2);
  // Every name must be in the string table; module and file are -1 when unknown.
  for (let f = 0; f < n; f++) {
    if (
      !(names[f]! >= 0 && names[f]! < strings) ||
      !(modules[f]! >= -1 && modules[f]! < strings) ||
      !(files[f]! >= -1 && files[f]! < strings)
    ) {
      throw new Error(`serialised profile: function ${f} is malformed`);
    }
  }
  const nodeParent = Int32Array.from(d.parent);
  const nodeFunc = Int32Array.from(d.func);
  // Node 0 is the root whatever the data says.
  nodeParent[0] = -1;
  nodeFunc[0] = -1;
  for (let i = 1; i < nodes; i++) {
    if (!(nodeParent[i]! >= 0 && nodeParent[i]! < i) || !(nodeFunc[i]! >= 0 && nodeFunc[i]! < n)) {
      throw new Error(`serialised profile: node ${i} is malformed`);
    }
  }
  const nodeSelf = Float64Array.from(d.self);
  const model: ProfileModel = {
    unit: typeof d.unit === 'string' ? d.unit : 'samples',
    strings: d.strings.map(String),
    funcName: names,
    funcModule: modules,
    funcFile: files,
    funcLine: pick(3),
    funcKind: Uint8Array.from(pick(4)),
    nodeParent,
    nodeFunc,
    nodeSelf,
    nodeTotal: sumTotals(nodeParent, nodeSelf),
  };
  if (Array.isArray(d.baselineSelf) && d.baselineSelf.length === nodes) {
    const baselineSelf = Float64Array.from(d.baselineSelf);
    return { ...model, baselineSelf, baselineTotal: sumTotals(nodeParent, baselineSelf) };
  }
  return model;
}

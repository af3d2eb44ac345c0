import { GlobSet } from '../config/glob';
import type { ColdReason, FileFacts, FunctionFact, Span } from '../facts/types';
import { selectEntryPoints, type EntryPoint } from './entryPoints';

/** One call on the way from an entry point to a hot function. */
export interface ChainStep {
  readonly caller: string;
  readonly callee: string;
  /** Where `caller` calls `callee`. */
  readonly path: string;
  readonly span: Span;
}

export type HotReason = 'entry point' | 'hakmem:hot annotation' | 'measured';

export interface ReachInfo {
  readonly name: string;
  /** The root this function is reached from. */
  readonly root: string;
  readonly rootReason: HotReason;
  /** Calls from the root to this function (empty for a root). */
  readonly chain: readonly ChainStep[];
  /** Self share measured by the latest profile, when that made it hot. */
  readonly measuredSelfPct?: number;
}

export interface HotPathOptions {
  readonly entryPoints: readonly string[];
  /** Also recognise entry points without configuration (allocation attributes, prefix families). */
  readonly recogniseEntryPoints?: boolean;
  readonly coldPatterns: readonly string[];
  /** Functions the latest profile measured hot: name → self %. */
  readonly measuredHot?: ReadonlyMap<string, number>;
}

export interface Definition {
  readonly path: string;
  readonly fn: FunctionFact;
}

/** The workspace call graph, with what is hot (release fast paths) and what is inside the allocator at all. */
export interface HotPathModel {
  readonly definitions: ReadonlyMap<string, readonly Definition[]>;
  /** Why a function is cold, when it is. */
  readonly cold: ReadonlyMap<string, ColdReason | 'name pattern'>;
  /** Reachable from a root without passing through a cold function. */
  readonly hot: ReadonlyMap<string, ReachInfo>;
  /** Reachable from an entry point through any function (cold ones too): allocator internals. */
  readonly internal: ReadonlyMap<string, ReachInfo>;
  /** The entry points the hot path starts from, in chain order. */
  readonly entryPoints: readonly EntryPoint[];
}

interface Root {
  readonly name: string;
  readonly reason: HotReason;
  readonly measuredSelfPct?: number;
}

function breadthFirst(
  roots: readonly Root[],
  definitions: ReadonlyMap<string, readonly Definition[]>,
  blocked: (name: string) => boolean,
): Map<string, ReachInfo> {
  const reached = new Map<string, ReachInfo>();
  const queue: ReachInfo[] = [];
  for (const root of roots) {
    if (reached.has(root.name) || blocked(root.name)) continue;
    const info: ReachInfo = {
      name: root.name,
      root: root.name,
      rootReason: root.reason,
      chain: [],
      ...(root.measuredSelfPct !== undefined ? { measuredSelfPct: root.measuredSelfPct } : {}),
    };
    reached.set(root.name, info);
    queue.push(info);
  }
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    for (const def of definitions.get(current.name) ?? []) {
      for (const call of def.fn.calls) {
        if (call.dead) continue;
        for (const target of call.targets) {
          if (reached.has(target) || !definitions.has(target) || blocked(target)) continue;
          const info: ReachInfo = {
            name: target,
            root: current.root,
            rootReason: current.rootReason,
            chain: [...current.chain, { caller: current.name, callee: target, path: def.path, span: call.span }],
          };
          reached.set(target, info);
          queue.push(info);
        }
      }
    }
  }
  return reached;
}

/** Builds the call graph over every file's facts and finds the hot path (breadth-first, so chains are shortest). */
export function computeHotPath(files: Iterable<FileFacts>, options: HotPathOptions): HotPathModel {
  const definitions = new Map<string, Definition[]>();
  const cold = new Map<string, ColdReason | 'name pattern'>();
  const annotatedHot: string[] = [];
  const attributed = new Set<string>();
  for (const file of files) {
    for (const fn of file.functions) {
      let list = definitions.get(fn.name);
      if (!list) definitions.set(fn.name, (list = []));
      list.push({ path: file.path, fn });
      if (fn.cold) cold.set(fn.name, fn.cold);
      if (fn.hotAnnotation) annotatedHot.push(fn.name);
    }
    for (const mark of file.coldMarks) if (!cold.has(mark.name)) cold.set(mark.name, mark.reason);
    for (const name of file.allocationAttributed ?? []) attributed.add(name);
  }
  const coldNames = new GlobSet(options.coldPatterns);
  const annotated = new Set(annotatedHot);
  for (const name of definitions.keys()) {
    // An explicit hakmem:hot wins over a name pattern, never over an attribute.
    if (!cold.has(name) && !annotated.has(name) && coldNames.matches(name)) cold.set(name, 'name pattern');
  }

  // Roots in the order the entry points are listed (malloc before hak_alloc*), so chains start at the public API.
  const entryPoints = selectEntryPoints(
    [...definitions].map(([name, defs]) => ({ name, isStatic: defs.every((d) => d.fn.isStatic) })),
    { patterns: options.entryPoints, recognise: options.recogniseEntryPoints ?? false, attributed },
  );
  const entryRoots: Root[] = entryPoints.map((e) => ({ name: e.name, reason: 'entry point' }));
  const internal = breadthFirst(entryRoots, definitions, () => false);
  // A profile of a benchmark measures its harness too: only allocator functions join the hot path.
  const roots: Root[] = [
    ...entryRoots,
    ...[...annotated].sort().map((name): Root => ({ name, reason: 'hakmem:hot annotation' })),
    ...[...(options.measuredHot ?? new Map<string, number>())]
      .filter(([name]) => internal.has(name))
      .sort((a, b) => b[1] - a[1])
      .map(([name, pct]): Root => ({ name, reason: 'measured', measuredSelfPct: pct })),
  ];
  const hot = breadthFirst(roots, definitions, (name) => cold.has(name));
  // Measured-hot functions keep their measurement even when an entry point reaches them first.
  for (const [name, pct] of options.measuredHot ?? []) {
    const info = hot.get(name);
    if (info && info.measuredSelfPct === undefined) hot.set(name, { ...info, measuredSelfPct: pct });
  }
  return { definitions, cold, hot, internal, entryPoints };
}

/** "malloc → hak_alloc → refill" */
export function describeChain(info: ReachInfo): string {
  return [info.root, ...info.chain.map((s) => s.callee)].join(' → ');
}

import { GlobSet } from '../util/glob';
import { constantValue } from '../facts/constant';
import type { CallFact, ColdReason, EarlyExit, FileFacts, FunctionFact, Span } from '../facts/types';
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

/** What takes a chain off the fast path: an unlikely branch, an error path, or a noinline slow-path function. */
export interface SlowStep {
  readonly kind: 'unlikely branch' | 'error path' | 'after likely return' | 'noinline function';
  /** File and 0-based line of the branch (or of the noinline function's name). */
  readonly path: string;
  readonly line: number;
  /** `if (mi_unlikely(page == NULL))`, or `refill_slow is noinline`. */
  readonly condition: string;
}

/** A position in a function: calls at or after it are unreachable (a constant argument makes an early exit certain). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ReachInfo {
  readonly name: string;
  /** The root this function is reached from. */
  readonly root: string;
  readonly rootReason: HotReason;
  /** Calls from the root to this function (empty for a root). */
  readonly chain: readonly ChainStep[];
  /** Self share measured by the latest profile, when that made it hot. */
  readonly measuredSelfPct?: number;
  /** The first step of the chain off the fast path, when it has one. */
  readonly slow?: SlowStep;
  /** Every caller reaching the function passes constants that make it return here: later code is not reached. */
  readonly liveBefore?: Position;
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
  /** The part of `hot` reached without an unlikely branch, an error path or a noinline function: run on every call. */
  readonly fast: ReadonlyMap<string, ReachInfo>;
  /** Variables and fields the hot path reads to decide: updates of these are state, not statistics. */
  readonly hotReads: ReadonlySet<string>;
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

/** True when `span` starts before `limit` (no limit: always). */
export function liveAt(limit: Position | undefined, span: Span): boolean {
  return !limit || span.line < limit.line || (span.line === limit.line && span.column < limit.column);
}

function isAfter(a: Position, b: Position): boolean {
  return a.line > b.line || (a.line === b.line && a.column > b.column);
}

/** The first early exit of `fn` that the call's constant arguments make certain. */
function certainExit(fn: FunctionFact, call: CallFact): EarlyExit | undefined {
  const args = call.constArgs;
  const params = fn.params ?? [];
  if (!args || !fn.earlyExits?.length) return undefined;
  for (const exit of fn.earlyExits) {
    const cond = exit.condition.replace(/[A-Za-z_]\w*/g, (id) => {
      const i = params.indexOf(id);
      return i >= 0 && args[i] != null ? `(${args[i]})` : id;
    });
    const value = constantValue(cond, () => undefined);
    if (value !== undefined && value !== 0n) return exit;
  }
  return undefined;
}

interface Traversal {
  readonly definitions: ReadonlyMap<string, readonly Definition[]>;
  readonly blocked: (name: string) => boolean;
  /** Only the fast path: no slow call, no noinline callee. */
  readonly fastOnly: boolean;
  readonly noinline: ReadonlySet<string>;
}

function slowStepOf(call: CallFact, callerPath: string, target: string, t: Traversal): SlowStep | undefined {
  if (call.slow) return { kind: call.slow.kind, path: callerPath, line: call.slow.line, condition: call.slow.condition };
  if (!t.noinline.has(target)) return undefined;
  const def = t.definitions.get(target)?.[0];
  return def ? { kind: 'noinline function', path: def.path, line: def.fn.nameSpan.line, condition: `${target} is noinline` } : undefined;
}

function breadthFirst(roots: readonly Root[], t: Traversal): Map<string, ReachInfo> {
  const reached = new Map<string, ReachInfo>();
  const queue: ReachInfo[] = [];
  for (const root of roots) {
    if (reached.has(root.name) || t.blocked(root.name)) continue;
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
    const current = reached.get(queue[head]!.name)!;
    for (const def of t.definitions.get(current.name) ?? []) {
      for (const call of def.fn.calls) {
        if (call.dead || !liveAt(current.liveBefore, call.span)) continue;
        if (t.fastOnly && call.slow) continue;
        for (const target of call.targets) {
          if (!t.definitions.has(target) || t.blocked(target) || (t.fastOnly && t.noinline.has(target))) continue;
          const exit = certainExit(t.definitions.get(target)![0]!.fn, call);
          const limit = exit ? { line: exit.endLine, column: exit.endColumn } : undefined;
          const known = reached.get(target);
          if (known) {
            // Another caller reaches more of the function: widen what is live, and walk it again.
            if (known.liveBefore && (!limit || isAfter(limit, known.liveBefore))) {
              const { liveBefore: _narrower, ...rest } = known;
              reached.set(target, limit ? { ...rest, liveBefore: limit } : rest);
              queue.push(known);
            }
            continue;
          }
          const slow = current.slow ?? slowStepOf(call, def.path, target, t);
          const info: ReachInfo = {
            name: target,
            root: current.root,
            rootReason: current.rootReason,
            chain: [...current.chain, { caller: current.name, callee: target, path: def.path, span: call.span }],
            ...(slow ? { slow } : {}),
            ...(limit ? { liveBefore: limit } : {}),
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
  const noinline = new Set([...definitions].filter(([, defs]) => defs.some((d) => d.fn.noinline)).map(([name]) => name));
  const traversal = (fastOnly: boolean, blocked: (name: string) => boolean): Traversal => ({ definitions, blocked, fastOnly, noinline });
  const internal = breadthFirst(
    entryRoots,
    traversal(false, () => false),
  );
  // A profile of a benchmark measures its harness too: only allocator functions join the hot path.
  const roots: Root[] = [
    ...entryRoots,
    ...[...annotated].sort().map((name): Root => ({ name, reason: 'hakmem:hot annotation' })),
    ...[...(options.measuredHot ?? new Map<string, number>())]
      .filter(([name]) => internal.has(name))
      .sort((a, b) => b[1] - a[1])
      .map(([name, pct]): Root => ({ name, reason: 'measured', measuredSelfPct: pct })),
  ];
  const hot = breadthFirst(
    roots,
    traversal(false, (name) => cold.has(name)),
  );
  const fast = breadthFirst(
    roots,
    traversal(true, (name) => cold.has(name)),
  );
  // Measured-hot functions keep their measurement even when an entry point reaches them first.
  for (const [name, pct] of options.measuredHot ?? []) {
    for (const reach of [hot, fast]) {
      const info = reach.get(name);
      if (info && info.measuredSelfPct === undefined) reach.set(name, { ...info, measuredSelfPct: pct });
    }
  }
  const hotReads = new Set<string>();
  for (const name of hot.keys())
    for (const def of definitions.get(name) ?? []) for (const path of def.fn.decisionReads ?? []) hotReads.add(path);
  return { definitions, cold, hot, fast, internal, hotReads, entryPoints };
}

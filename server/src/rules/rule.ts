import type { CallFact, FileFacts, FunctionFact, Span } from '../facts/types';
import type { ReachInfo } from '../hotpath/graph';
import type { RuleCode } from './codes';

/** A finding before severity, ignore comments and related information are applied. */
export interface RawFinding {
  readonly code: RuleCode;
  readonly span: Span;
  readonly message: string;
  /** The call chain to show: hot (fast path) or internal (allocator) reachability. */
  readonly reach: ReachInfo;
}

export interface RuleContext {
  readonly file: FileFacts;
  readonly fn: FunctionFact;
  /** Set when the function is on the hot path. */
  readonly hot?: ReachInfo;
  /** Set when the function is inside the allocator (reachable from an entry point through anything). */
  readonly internal?: ReachInfo;
}

export interface FunctionRule {
  readonly code: RuleCode;
  check(ctx: RuleContext): RawFinding[];
}

/** Live calls (not in dead branches) that reach one of `names`, with the name reached. */
export function* callsTo(fn: FunctionFact, names: ReadonlySet<string>): Generator<{ call: CallFact; target: string }> {
  for (const call of fn.calls) {
    if (call.dead) continue;
    const target = call.targets.find((t) => names.has(t));
    if (target) yield { call, target };
  }
}

/** "fprintf" or "LOG (expands to fprintf)". */
export function calledAs(call: CallFact, target: string): string {
  return call.viaMacro ? `${call.callee} (expands to ${target})` : target;
}

export function buildPhrase(ctx: RuleContext): string {
  return `compiled in the ${ctx.file.build} build`;
}

/** How the function got hot, for messages: "hot", or "measured 12.3% self". */
export function hotPhrase(reach: ReachInfo): string {
  return reach.measuredSelfPct !== undefined ? `on the hot path, measured ${reach.measuredSelfPct.toFixed(1)}% self` : 'on the hot path';
}

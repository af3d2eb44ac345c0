import type { ReleaseGuard } from '../config/config';
import type { CallFact, FileFacts, FunctionFact, SlowBranch, Span } from '../facts/types';
import { liveAt, type ReachInfo, type SlowStep } from '../hotpath/graph';
import type { PointerCode } from '../pointers';
import type { RuleCode, Severity } from './codes';

/** A finding before severity, ignore comments and related information are applied. */
export interface RawFinding {
  readonly code: RuleCode;
  readonly span: Span;
  readonly message: string;
  /** The call chain to show: hot (fast path) or internal (allocator) reachability. */
  readonly reach: ReachInfo;
  /** At most this severity, whatever the rule's configured one (OS calls on the slow path). */
  readonly severityCap?: Severity;
  /** The branch that puts the finding on the slow path, shown as related information. */
  readonly slowStep?: SlowStep;
}

export interface RuleContext {
  readonly file: FileFacts;
  readonly fn: FunctionFact;
  /** Set when the function is on the hot path. */
  readonly hot?: ReachInfo;
  /** Set when the function is on the fast path (reached without an unlikely branch, error path or noinline call). */
  readonly fast?: ReachInfo;
  /** Set when the function is inside the allocator (reachable from an entry point through anything). */
  readonly internal?: ReachInfo;
  /** The project's release guard for a rule's code (`#if !HAKMEM_BUILD_RELEASE`, `if (config_stats)` …). */
  readonly guard: (code: RuleCode) => ReleaseGuard;
  /** Variables and fields the hot path reads to decide (see HotPathModel.hotReads). */
  readonly hotReads: ReadonlySet<string>;
  /** A path as messages show it (relative to the workspace root). */
  readonly relative: (path: string) => string;
}

/** Where a call or an update sits: on the fast path (every call), or on the slow path behind `step`. */
export type Place =
  { readonly fast: true; readonly reach: ReachInfo } | { readonly fast: false; readonly reach: ReachInfo; readonly step?: SlowStep };

/** The place of a site of a hot function; undefined when constant arguments make it unreachable. */
export function placeOf(ctx: RuleContext, site: { readonly span: Span; readonly slow?: SlowBranch }): Place | undefined {
  const hot = ctx.hot;
  if (!hot || !liveAt(hot.liveBefore, site.span)) return undefined;
  if (ctx.fast && !site.slow && liveAt(ctx.fast.liveBefore, site.span)) return { fast: true, reach: ctx.fast };
  const step: SlowStep | undefined = site.slow ? { ...site.slow, path: ctx.file.path } : hot.slow;
  return { fast: false, reach: ctx.fast ?? hot, ...(step ? { step } : {}) };
}

/** The chain to show for a place, and the branch that makes it slow. */
export function placeFields(place: Place): { reach: ReachInfo; slowStep?: SlowStep } {
  return { reach: place.reach, ...(!place.fast && place.step ? { slowStep: place.step } : {}) };
}

/** "on every call of f (fast path, …)" or "on the slow path of f, behind the unlikely branch if (…) at a.c:12 (…)". */
export function placePhrase(ctx: RuleContext, place: Place): string {
  const measured = place.reach.measuredSelfPct !== undefined ? `, measured ${place.reach.measuredSelfPct.toFixed(1)}% self` : '';
  if (place.fast) return `on every call of ${ctx.fn.name} (fast path${measured}, ${buildPhrase(ctx)})`;
  return `on the slow path of ${ctx.fn.name}${place.step ? `, ${stepPhrase(place.step, ctx.relative)}` : ''} (${buildPhrase(ctx)}${measured})`;
}

export function stepPhrase(step: SlowStep, relative: (path: string) => string): string {
  const where = `${relative(step.path)}:${step.line + 1}`;
  switch (step.kind) {
    case 'unlikely branch':
      return `behind the unlikely branch \`${step.condition}\` at ${where}`;
    case 'error path':
      return `in the error path \`${step.condition}\` at ${where}`;
    case 'after likely return':
      return `after the likely branch \`${step.condition}\` returns at ${where}`;
    case 'noinline function':
      return `through the noinline slow-path function ${step.condition.replace(/ is noinline$/, '')} at ${where}`;
  }
}

/** What every rule states once; codes, default severities and SARIF metadata are read from it. */
export interface RuleDeclaration<Code extends string = string> {
  /** A public contract (CLI JSON, SARIF, ignore comments): add, never rename. */
  readonly code: Code;
  readonly defaultSeverity: Severity;
  /** One line, for SARIF rule metadata. */
  readonly description: string;
}

/**
 * A rule checked function by function against the hot-path model. Declarations
 * state `Code` in their type (`FunctionRule<'hot-path-io'>`): RuleCode is derived
 * from them, and the checks use RuleCode, so it cannot be inferred from their bodies.
 */
export interface FunctionRule<Code extends string = RuleCode> extends RuleDeclaration<Code> {
  check(ctx: RuleContext): RawFinding[];
}

/**
 * A USER/BASE rule (typed `PointerRule<'…'>` for the same reason). Its check is the pointer analysis (pointers/evaluate.ts),
 * which tracks pointer kinds through each function and reports all three codes in one pass.
 */
export interface PointerRule<Code extends PointerCode = PointerCode> extends RuleDeclaration<Code> {
  readonly check: 'pointer analysis';
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

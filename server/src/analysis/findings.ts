import type { FileFacts, Span } from '../facts/types';
import type { PointerModel } from '../pointers';
import { relative } from 'node:path';
import { guardFor, type HakmemConfig } from '../config/config';
import type { HotPathModel, ReachInfo, SlowStep } from '../hotpath/graph';
import type { RuleCode, Severity } from '../rules/codes';
import type { RuleContext } from '../rules/rule';
import { FUNCTION_RULES } from '../rules';
import type { RawFinding } from '../rules/rule';

export interface RelatedLocation {
  readonly path: string;
  readonly span: Span;
  readonly message: string;
}

/** A finding ready for any front end (LSP diagnostic, CLI text/JSON/SARIF). */
export interface Finding {
  readonly code: RuleCode;
  readonly severity: Severity;
  readonly path: string;
  readonly span: Span;
  readonly message: string;
  /** Why it is hot (the call chain), or where each pointer kind came from. */
  readonly related: readonly RelatedLocation[];
  /** A quick fix computed by the analysis (pointer conversions). */
  readonly fix?: { readonly title: string; readonly edits: ReadonlyArray<{ readonly span: Span; readonly newText: string }> };
}

function rootText(info: ReachInfo): string {
  switch (info.rootReason) {
    case 'entry point':
      return `${info.root} is an allocator entry point`;
    case 'hakmem:hot annotation':
      return `${info.root} is marked // hakmem:hot`;
    case 'measured':
      return `${info.root} was measured hot by the latest profile (${(info.measuredSelfPct ?? 0).toFixed(1)}% self)`;
  }
}

/** The chain as related information: the root's definition, then each call site. */
export function chainLocations(info: ReachInfo, model: HotPathModel): RelatedLocation[] {
  const rootDef = model.definitions.get(info.root)?.[0];
  const out: RelatedLocation[] = [];
  if (rootDef) out.push({ path: rootDef.path, span: rootDef.fn.nameSpan, message: rootText(info) });
  for (const step of info.chain) out.push({ path: step.path, span: step.span, message: `${step.caller} calls ${step.callee}` });
  return out;
}

/** The branch (or noinline function) that makes a finding's place slow. */
function slowLocation(step: SlowStep): RelatedLocation {
  const what = step.kind === 'noinline function' ? step.condition : `${step.kind}: ${step.condition}`;
  return { path: step.path, span: { line: step.line, column: 0, endLine: step.line, endColumn: 0 }, message: `slow path: ${what}` };
}

function ignored(facts: FileFacts, finding: Pick<RawFinding, 'code' | 'span'>): boolean {
  for (let line = finding.span.line; line <= finding.span.endLine; line++) {
    const codes = facts.ignores.get(line);
    if (codes && (codes.size === 0 || codes.has(finding.code))) return true;
  }
  return false;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** The lower of two severities. */
function capped(severity: Severity, cap: Severity | undefined): Severity {
  return cap && SEVERITY_RANK[cap] > SEVERITY_RANK[severity] ? cap : severity;
}

/** Runs every function rule over one file's facts against the workspace model. */
export function findingsForFile(facts: FileFacts, model: HotPathModel, config: HakmemConfig): Finding[] {
  const findings: Finding[] = [];
  const guard = (code: RuleCode) => guardFor(config, code);
  const shownPath = (path: string): string => relative(config.root, path) || path;
  for (const fn of facts.functions) {
    const hot = model.hot.get(fn.name);
    const fast = model.fast.get(fn.name);
    const internal = model.internal.get(fn.name);
    if (!hot && !internal) continue;
    const ctx: RuleContext = {
      file: facts,
      fn,
      ...(hot ? { hot } : {}),
      ...(fast ? { fast } : {}),
      ...(internal ? { internal } : {}),
      guard,
      hotReads: model.hotReads,
      relative: shownPath,
    };
    for (const rule of FUNCTION_RULES) {
      const configured = config.severity[rule.code];
      if (configured === 'off') continue;
      for (const raw of rule.check(ctx)) {
        if (ignored(facts, raw)) continue;
        const severity = capped(configured, raw.severityCap);
        const related = chainLocations(raw.reach, model);
        if (raw.slowStep) related.push(slowLocation(raw.slowStep));
        findings.push({ code: raw.code, severity, path: facts.path, span: raw.span, message: raw.message, related });
      }
    }
  }
  return findings.sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
}

/** USER/BASE findings of one file, with configured severities and ignore comments applied. */
export function pointerFindings(path: string, facts: FileFacts, model: PointerModel, config: HakmemConfig): Finding[] {
  const out: Finding[] = [];
  for (const f of model.findings(path)) {
    const severity = config.severity[f.code];
    if (severity === 'off' || ignored(facts, f)) continue;
    out.push({ code: f.code, severity, path, span: f.span, message: f.message, related: f.related, ...(f.fix ? { fix: f.fix } : {}) });
  }
  return out;
}

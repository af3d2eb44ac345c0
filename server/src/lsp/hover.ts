import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Workspace } from '../analysis/workspace';
import { chainLocations } from '../analysis/findings';
import type { Span } from '../facts/types';
import type { HotPathModel, ReachInfo } from '../hotpath/graph';
import { rangeOf, uriOf } from './diagnostics';

function contains(span: Span, line: number, character: number): boolean {
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && character < span.column) return false;
  if (line === span.endLine && character > span.endColumn) return false;
  return true;
}

/** A file URI that opens at a 1-based line and column (the `#L12,5` fragment VS Code's link opener reads). */
function linkTo(path: string, span: Span): string {
  return `${uriOf(path).replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))}#L${span.line + 1},${span.column + 1}`;
}

/**
 * The chain as markdown links: the root to its definition, each next function
 * to the call that reaches it — "[malloc](…) → [hak_alloc](…) → [refill](…)".
 */
export function chainMarkdown(info: ReachInfo, model: HotPathModel): string {
  const steps = chainLocations(info, model);
  const rootLinked = steps.length > info.chain.length;
  const names = [info.root, ...info.chain.map((s) => s.callee)];
  const places = rootLinked ? steps : [undefined, ...steps];
  return names.map((name, i) => (places[i] ? `[${name}](${linkTo(places[i].path, places[i].span)})` : name)).join(' → ');
}

/** Explains whether the function under the cursor (its definition or a call to it) is hot, and why. */
export function hoverAt(
  ws: Workspace,
  path: string,
  line: number,
  character: number,
  measured: ReadonlyMap<string, { selfPct: number; totalPct: number }> = new Map(),
): Hover | null {
  const facts = ws.facts(path);
  if (!facts) return null;
  let name: string | undefined;
  let span: Span | undefined;
  for (const fn of facts.functions) {
    if (contains(fn.nameSpan, line, character)) {
      name = fn.name;
      span = fn.nameSpan;
      break;
    }
    if (!contains(fn.span, line, character)) continue;
    const call = fn.calls.find((c) => c.span.line === line && character >= c.span.column && character <= c.span.column + c.callee.length);
    if (call) {
      name = call.targets.length === 1 ? call.targets[0] : call.callee;
      span = { line, column: call.span.column, endLine: line, endColumn: call.span.column + call.callee.length };
    }
    break;
  }
  if (!name || !span) return null;
  const model = ws.model();
  if (!model.definitions.has(name)) return null;
  const hot = model.hot.get(name);
  const cold = model.cold.get(name);
  let text: string;
  if (hot) {
    const measured = hot.measuredSelfPct !== undefined ? ` — measured ${hot.measuredSelfPct.toFixed(1)}% self` : '';
    const fast = model.fast.get(name);
    const path = fast
      ? 'fast path: on every call'
      : hot.slow
        ? `slow path: ${hot.slow.condition} (line ${hot.slow.line + 1})`
        : 'slow path';
    text = `**${name}** is on the hot path${measured} (${path})\n\n${chainMarkdown(fast ?? hot, model)}`;
  } else if (cold) {
    text = `**${name}** is cold (${cold}); hot-path rules skip it`;
  } else if (model.internal.has(name)) {
    text = `**${name}** is inside the allocator but only reached through cold functions\n\n${chainMarkdown(model.internal.get(name)!, model)}`;
  } else {
    text = `**${name}** is not reachable from an allocator entry point`;
  }
  const share = measured.get(name);
  if (share) text += `\n\nLatest profile: ${share.selfPct.toFixed(1)}% self, ${share.totalPct.toFixed(1)}% total`;
  return { contents: { kind: MarkupKind.Markdown, value: text }, range: rangeOf(span) };
}

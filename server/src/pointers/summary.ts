import type { PointerKind, PointerRelated, Span } from './types';

/** Why a summary says what it says: shown in messages and as related information. */
export interface Why {
  readonly text: string;
  readonly path?: string;
  readonly span?: Span;
  /** Further evidence (e.g. the call sites that all pass USER). */
  readonly related?: readonly PointerRelated[];
}

export interface ParamState {
  name?: string;
  /** Span of the parameter's name in the definition (absolute), when defined in the workspace. */
  at?: Span;
  /** The kind callers must pass (config, annotation, built-in, or inferred from a conversion on entry). */
  expects?: PointerKind;
  expectsWhy?: Why;
  /** Fixed by config, annotation, type or built-in: inference leaves it alone. */
  expectsFixed?: boolean;
  /** The kind it holds, inferred from every call site passing it. */
  entry?: PointerKind;
  entryWhy?: Why;
}

/** What the analysis knows about one function (defined in the workspace or not). */
export interface SummaryState {
  readonly key: string;
  readonly name: string;
  readonly path?: string;
  readonly nameSpan?: Span;
  params: ParamState[];
  returns?: PointerKind;
  returnsWhy?: Why;
  returnsFixed?: boolean;
  /** The function returns parameter `param` converted to `to`: calling it is a conversion. */
  converts?: { param: number; to: PointerKind };
  /** Listed in pointers.linkApi: may touch raw freelist links. */
  linkApi?: boolean;
}

export function paramState(s: SummaryState, i: number): ParamState {
  while (s.params.length <= i) s.params.push({});
  return s.params[i]!;
}

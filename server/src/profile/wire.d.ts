/**
 * Shapes that cross the boundary between the extension host and the flamegraph
 * page. Declarations only (no code), so the browser bundle, the client and the
 * server can all import them.
 */

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

/** What the page shows and the host keeps between hide and show (never the model itself). */
export interface FlameViewState {
  readonly view: 'flame' | 'icicle' | 'sandwich' | 'table';
  readonly search: string;
  /** Function names from the root to the zoomed frame; empty when not zoomed. */
  readonly zoomPath: readonly string[];
  /** Sandwich view: the function shown. */
  readonly sandwichFunction?: string;
  readonly tableSort?: { readonly column: 'name' | 'self' | 'total' | 'delta'; readonly descending: boolean };
}

/** Host -> page. */
export type HostToPageMessage =
  | { readonly type: 'profile'; readonly model: SerialisedProfile; readonly state?: FlameViewState }
  | { readonly type: 'clear' };

/** Page -> host. */
export type PageToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'openFunction'; readonly name: string; readonly file?: string; readonly line?: number }
  | { readonly type: 'export'; readonly format: 'folded' | 'speedscope'; readonly fileName: string; readonly content: string }
  | { readonly type: 'state'; readonly state: FlameViewState };

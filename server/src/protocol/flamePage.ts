// Messages between the extension host and the flamegraph page. Types and pure
// checks only (no Node API), so the browser bundle can import it.
import type { SerialisedProfile } from '../profile/serialise';
import { isOneOf, isOptional, isRecord, isString, isStringArray } from './checks';

export type { SerialisedProfile } from '../profile/serialise';

const VIEWS = ['flame', 'icicle', 'sandwich', 'table'] as const;
const SORT_COLUMNS = ['name', 'self', 'total', 'delta'] as const;
const EXPORT_FORMATS = ['folded', 'speedscope'] as const;

/** What the page shows and the host keeps between hide and show (never the model itself). */
export interface FlameViewState {
  readonly view: (typeof VIEWS)[number];
  readonly search: string;
  /** Function names from the root to the zoomed frame; empty when not zoomed. */
  readonly zoomPath: readonly string[];
  /** Sandwich view: the function shown. */
  readonly sandwichFunction?: string;
  readonly tableSort?: { readonly column: (typeof SORT_COLUMNS)[number]; readonly descending: boolean };
}

export type HostToFlamePage =
  { readonly type: 'profile'; readonly model: SerialisedProfile; readonly state?: FlameViewState } | { readonly type: 'clear' };

export type FlamePageToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'openFunction'; readonly name: string; readonly file?: string; readonly line?: number }
  | { readonly type: 'export'; readonly format: (typeof EXPORT_FORMATS)[number]; readonly fileName: string; readonly content: string }
  | { readonly type: 'state'; readonly state: FlameViewState };

function isTableSort(value: unknown): boolean {
  return isRecord(value) && isOneOf(value.column, SORT_COLUMNS) && typeof value.descending === 'boolean';
}

/** A view state from the page or from VS Code's saved webview state. */
export function isFlameViewState(value: unknown): value is FlameViewState {
  return (
    isRecord(value) &&
    isOneOf(value.view, VIEWS) &&
    isString(value.search) &&
    isStringArray(value.zoomPath) &&
    isOptional(value.sandwichFunction, isString) &&
    isOptional(value.tableSort, isTableSort)
  );
}

function isSourceLine(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** A bare file name: the host offers it as the default in a save dialog, so no directories. */
function isFileName(value: unknown): boolean {
  return isString(value) && value.length > 0 && !/[/\\\0]/.test(value);
}

/** Checks a message received from the flamegraph page (untrusted input to the host). */
export function isFlamePageToHost(value: unknown): value is FlamePageToHost {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
      return true;
    case 'openFunction':
      return isString(value.name) && isOptional(value.file, isString) && isOptional(value.line, isSourceLine);
    case 'export':
      return isOneOf(value.format, EXPORT_FORMATS) && isFileName(value.fileName) && isString(value.content);
    case 'state':
      return isFlameViewState(value.state);
    default:
      return false;
  }
}

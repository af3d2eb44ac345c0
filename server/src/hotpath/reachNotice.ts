import { DEFAULT_ENTRY_POINTS } from '../config/config';
import type { HotPathModel } from './graph';

/**
 * When the entry points reach less than this share of the defined functions,
 * the analysis has seen almost nothing and says so. An allocator's public API
 * reaches most of its code: native/ reaches over 40%, while a tree whose entry
 * points were not found reaches under 1%.
 */
export const SPARSE_REACH_SHARE = 0.05;
/** Below this many functions a small share is normal (a test file, a fragment). */
export const SPARSE_REACH_MIN_FUNCTIONS = 20;

export const REACH_NOTICE_CODE = 'few-functions-reachable';

export interface ReachNotice {
  readonly code: typeof REACH_NOTICE_CODE;
  /** One line: how little was reached, from which entry points. */
  readonly message: string;
  /** How to add entry points. */
  readonly hint: string;
  readonly entryPoints: readonly string[];
  readonly reachable: number;
  readonly functions: number;
}

function listNames(names: readonly string[], max = 6): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The notice for a model whose entry points reach too little, or undefined. */
export function reachNotice(model: HotPathModel): ReachNotice | undefined {
  const functions = model.definitions.size;
  const reachable = model.internal.size;
  if (functions <= SPARSE_REACH_MIN_FUNCTIONS || reachable >= functions * SPARSE_REACH_SHARE) return undefined;
  const entryPoints = model.entryPoints.map((e) => e.name);
  const share = ((reachable / functions) * 100).toFixed(1);
  const message =
    entryPoints.length === 0
      ? `no allocator entry point was found (looked for ${DEFAULT_ENTRY_POINTS.join(', ')}, prefix families such as mi_malloc/mi_free, and functions declared __attribute__((malloc))): none of the ${functions} functions is on the hot path`
      : `only ${reachable} of ${functions} functions (${share}%) are reachable from the entry points used (${listNames(entryPoints)}): the hot-path rules saw almost nothing`;
  const hint = 'add your allocator\'s entry points to "entryPoints" in .hakmem.json, or run `hakmem init` to write a starting .hakmem.json';
  return { code: REACH_NOTICE_CODE, message, hint, entryPoints, reachable, functions };
}

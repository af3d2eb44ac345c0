import type { Origin, PointerKind } from './types';

/**
 * An abstract pointer value: BOT is "no pointer yet" (uninitialised, NULL,
 * unreachable) and joins neutrally; TOP is "could be either", never reported.
 */
export type KindState = 'BOT' | PointerKind | 'TOP';

export interface Val {
  readonly s: KindState;
  readonly origin?: Origin;
  /** The value is parameter `param`'s value on entry, unchanged (through casts and copies). */
  readonly param?: number;
  /** The value is parameter `conv.param` converted to `conv.to`. */
  readonly conv?: { readonly param: number; readonly to: PointerKind };
}

export const TOP: Val = { s: 'TOP' };
export const BOT: Val = { s: 'BOT' };

export function isKind(s: KindState): s is PointerKind {
  return s === 'USER' || s === 'BASE';
}

export function joinVal(a: Val, b: Val): Val {
  if (a === b || b.s === 'BOT') return a;
  if (a.s === 'BOT') return b;
  if (a.s !== b.s || a.s === 'TOP') return TOP;
  // Same kind: keep the first origin; identities survive only when both sides agree.
  const param = a.param !== undefined && a.param === b.param ? a.param : undefined;
  const conv = a.conv && b.conv && a.conv.param === b.conv.param && a.conv.to === b.conv.to ? a.conv : undefined;
  if (param === a.param && conv === a.conv) return a;
  return { s: a.s, ...(a.origin ? { origin: a.origin } : {}), ...(param !== undefined ? { param } : {}), ...(conv ? { conv } : {}) };
}

/** Variable → value; null is an unreachable point (after return, break, goto). */
export type Env = Map<string, Val> | null;

export function joinEnv(a: Env, b: Env): Env {
  if (!a) return b ? new Map(b) : null;
  if (!b) return new Map(a);
  const out = new Map<string, Val>();
  for (const [k, v] of a) out.set(k, joinVal(v, b.get(k) ?? BOT));
  for (const [k, v] of b) if (!a.has(k)) out.set(k, v);
  return out;
}

export function sameEnv(a: Env, b: Env): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.s !== v.s || w.param !== v.param || w.conv?.param !== v.conv?.param || w.conv?.to !== v.conv?.to) return false;
  }
  return true;
}

export function other(kind: PointerKind): PointerKind {
  return kind === 'USER' ? 'BASE' : 'USER';
}

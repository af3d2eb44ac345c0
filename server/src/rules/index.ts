import { allocatorReentrancy } from './allocatorReentrancy';
import { hotPathCounter } from './hotPathCounter';
import { hotPathGetenv } from './hotPathGetenv';
import { hotPathIo } from './hotPathIo';
import { hotPathLock } from './hotPathLock';
import { hotPathSyscall } from './hotPathSyscall';
import type { FunctionRule } from './rule';

/** The per-function rules (the USER/BASE rules run in the pointer analysis). */
export const FUNCTION_RULES: readonly FunctionRule[] = [hotPathIo, hotPathGetenv, hotPathLock, hotPathSyscall, hotPathCounter, allocatorReentrancy];

// Messages between the extension host and the suite result page. The report
// is the suite engine's own type. Types and pure checks only (no Node API), so
// the browser bundle can import it.
import type { SuiteReport } from '../bench/suite/types';
import { isOptional, isRecord, isStringArray } from './checks';

export interface SuiteResultMessage {
  readonly type: 'suite';
  readonly report: SuiteReport;
  /** Earlier suite runs of the workspace (oldest first), for the history chart. */
  readonly history: readonly Pick<SuiteReport, 'time' | 'commit' | 'quick' | 'means'>[];
}

export interface SuiteProgressMessage {
  readonly type: 'progress';
  readonly message: string;
  /** 0 to 1. */
  readonly fraction: number;
}

export type HostToSuitePage = SuiteResultMessage | SuiteProgressMessage;

export type SuitePageToHost =
  { readonly type: 'ready' } | { readonly type: 'rerun'; readonly allocators?: readonly string[] } | { readonly type: 'cancel' };

/** Checks a message received from the suite page (untrusted input to the host). */
export function isSuitePageToHost(value: unknown): value is SuitePageToHost {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'cancel':
      return true;
    case 'rerun':
      return isOptional(value.allocators, isStringArray);
    default:
      return false;
  }
}

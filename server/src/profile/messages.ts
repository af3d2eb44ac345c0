/** The flamegraph page's message protocol (types in wire.d.ts, shared with the browser bundle). */
export type { FlameViewState, HostToPageMessage, PageToHostMessage, SerialisedProfile } from './wire';
import type { PageToHostMessage } from './wire';

/** Checks a message received from the page (the page is untrusted input to the host). */
export function isPageToHostMessage(value: unknown): value is PageToHostMessage {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'openFunction':
      return (
        typeof m.name === 'string' &&
        (m.file === undefined || typeof m.file === 'string') &&
        (m.line === undefined || (typeof m.line === 'number' && Number.isInteger(m.line) && m.line > 0))
      );
    case 'export':
      return (m.format === 'folded' || m.format === 'speedscope') && typeof m.fileName === 'string' && typeof m.content === 'string';
    case 'state':
      return !!m.state && typeof m.state === 'object';
    default:
      return false;
  }
}

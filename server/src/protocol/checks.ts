// Structural checks for what a webview page posts to the extension host. A page
// renders names taken from profiled binaries and benchmark output, so the host
// treats its messages as untrusted input: checked against the protocol, never cast.

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every(isString);
}

export function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Absent, or present and passing `check`. */
export function isOptional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

/** How much of a dropped message the log shows. */
const PREVIEW_CHARS = 200;

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/**
 * The message when the page's protocol allows it; otherwise undefined, after
 * `warn` was told what was dropped (a page that posts nonsense is a bug or an attack).
 */
export function acceptPageMessage<M>(
  page: string,
  value: unknown,
  allows: (v: unknown) => v is M,
  warn: (text: string) => void,
): M | undefined {
  if (allows(value)) return value;
  warn(`ignored a message from the ${page} page that its protocol does not allow: ${preview(value)}`);
  return undefined;
}

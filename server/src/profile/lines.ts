import { open } from 'node:fs/promises';

/**
 * Streams a file line by line in fixed-size chunks, so memory stays flat however
 * large the file. Lines are decoded as latin1 (one char per byte, no decoding
 * cost and no split multi-byte sequences at chunk edges); callers convert the
 * few strings they keep with `utf8FromLatin1`.
 */
export async function forEachLine(
  path: string,
  onLine: (line: string) => void,
  options: { signal?: AbortSignal; chunkSize?: number; onProgress?: (bytesRead: number) => void } = {},
): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(options.chunkSize ?? 4 * 1024 * 1024);
    let carry = '';
    let bytesRead = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead: n } = await handle.read(buffer, 0, buffer.length, null);
      if (n === 0) break;
      bytesRead += n;
      carry = splitLines(carry + buffer.toString('latin1', 0, n), onLine);
      options.onProgress?.(bytesRead);
    }
    if (carry.length > 0) onLine(stripCr(carry));
  } finally {
    await handle.close();
  }
}

/**
 * Streams a file as byte chunks that each end at a line's end (the unfinished
 * last line is carried into the next chunk; the file's last line may lack its
 * newline). For parsers that read lines from bytes without decoding them.
 */
export async function forEachLineChunk(
  path: string,
  onChunk: (bytes: Buffer, end: number) => void,
  options: { signal?: AbortSignal; chunkSize?: number; onProgress?: (bytesRead: number) => void } = {},
): Promise<void> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(options.chunkSize ?? 4 * 1024 * 1024);
    let carried = 0;
    let bytesRead = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      if (carried === buffer.length) {
        // One line longer than the buffer: make room for it.
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, carried);
        buffer = grown;
      }
      const { bytesRead: n } = await handle.read(buffer, carried, buffer.length - carried, null);
      if (n === 0) break;
      bytesRead += n;
      const filled = carried + n;
      const lastNewline = buffer.lastIndexOf(10, filled - 1);
      if (lastNewline < carried) {
        carried = filled;
      } else {
        onChunk(buffer, lastNewline + 1);
        buffer.copy(buffer, 0, lastNewline + 1, filled);
        carried = filled - lastNewline - 1;
      }
      options.onProgress?.(bytesRead);
    }
    if (carried > 0) onChunk(buffer, carried);
  } finally {
    await handle.close();
  }
}

/** Feeds whole lines of `text` to onLine and returns the unfinished tail. */
export function splitLines(text: string, onLine: (line: string) => void): string {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.slice(start);
    onLine(stripCr(text.slice(start, nl)));
    start = nl + 1;
  }
}

/** Feeds every line of an in-memory text (decoded as UTF-8 already) to onLine, for tests and small inputs. */
export function forEachLineOfText(text: string, onLine: (line: string) => void): void {
  const tail = splitLines(latin1FromUtf8(text), onLine);
  if (tail.length > 0) onLine(stripCr(tail));
}

function stripCr(line: string): string {
  return line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

const NON_ASCII = /[\u0080-\u00ff]/;

/** Converts a latin1-decoded string back to the UTF-8 text its bytes spell. */
export function utf8FromLatin1(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

function latin1FromUtf8(s: string): string {
  // eslint-disable-next-line no-control-regex -- any character outside ASCII, NUL included in the range
  return /[^\u0000-\u007f]/.test(s) ? Buffer.from(s, 'utf8').toString('latin1') : s;
}

/** Feeds every line of a byte stream (such as a child's stdout) to onLine. */
export async function forEachLineOfStream(stream: AsyncIterable<Buffer>, onLine: (line: string) => void): Promise<void> {
  let carry = '';
  for await (const chunk of stream) carry = splitLines(carry + chunk.toString('latin1'), onLine);
  if (carry.length > 0) onLine(stripCr(carry));
}

import { open } from 'node:fs/promises';

export type ProfileFormat = 'perf-data' | 'perf-script' | 'folded' | 'callgrind' | 'speedscope' | 'hakmem-profile';

/** Thrown for files that are not a profile in any format we read (the CLI exits 2). */
export class ProfileFormatError extends Error {}

const PERF_HEADER = /^\S.*?\s+\d+(?:\/\d+)?\s+(?:\[\d+\]\s+)?\d+\.\d+:\s/;
const PERF_FRAME = /^\s+[0-9a-fA-F]+ \S/;
const FOLDED = /^[^\s].* \d+(?:\.\d+)?$/;

/** Recognises a profile format from the first bytes of a file. */
export function sniffFormat(head: Buffer): ProfileFormat | undefined {
  if (head.subarray(0, 8).toString('latin1') === 'PERFILE2') return 'perf-data';
  const text = head.toString('latin1');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    if (/"version"\s*:\s*1\s*,\s*"unit"/.test(trimmed) && /"funcs"/.test(trimmed)) return 'hakmem-profile';
    if (/speedscope/.test(trimmed) || /"shared"\s*:/.test(trimmed)) return 'speedscope';
    return undefined;
  }
  if (/^# callgrind format/m.test(text) || (/^events:/m.test(text) && /^(fn|fl|ob)=/m.test(text))) return 'callgrind';
  const lines = text
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  if (lines.length === 0) return undefined;
  if (PERF_HEADER.test(lines[0]!) && (lines.length === 1 || PERF_FRAME.test(lines[1]!) || PERF_HEADER.test(lines[1]!)))
    return 'perf-script';
  const sample = lines.slice(0, 20);
  if (sample.every((l) => FOLDED.test(l.trimEnd()))) return 'folded';
  return undefined;
}

export async function sniffFile(path: string): Promise<ProfileFormat | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return sniffFormat(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

// Benchmark history: every series appended to <root>/.hakmem/history.jsonl.
// Appends rewrite the file into a temporary sibling and rename it over the old
// one, so a kill at any moment leaves either the old or the new file, both
// valid JSONL. The baseline of a series is a pinned record, else the last run
// of the same series on another commit.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isBenchRecord, type BenchRecord } from './record';

export function historyDir(root: string): string {
  return join(root, '.hakmem');
}

export function historyPath(root: string): string {
  return join(historyDir(root), 'history.jsonl');
}

function pinsPath(root: string): string {
  return join(historyDir(root), 'baseline.json');
}

export interface HistoryRead {
  readonly records: BenchRecord[];
  /** 1-based numbers of lines that were not valid records (skipped). */
  readonly invalidLines: number[];
}

export function parseHistory(text: string): HistoryRead {
  const records: BenchRecord[] = [];
  const invalidLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (isBenchRecord(value)) records.push(value);
      else invalidLines.push(i + 1);
    } catch {
      invalidLines.push(i + 1);
    }
  });
  return { records, invalidLines };
}

export function readHistory(root: string): HistoryRead {
  const path = historyPath(root);
  if (!existsSync(path)) return { records: [], invalidLines: [] };
  return parseHistory(readFileSync(path, 'utf8'));
}

/** Writes `content` to `path` atomically: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files of writers that were killed before their rename. */
function removeStaleTemporaries(path: string): void {
  const prefix = `${basename(path)}.`;
  for (const name of readdirSync(dirname(path))) {
    const m = name.startsWith(prefix) && name.endsWith('.tmp') ? /^(\d+)\./.exec(name.slice(prefix.length)) : null;
    if (m && !processAlive(Number(m[1]))) rmSync(join(dirname(path), name), { force: true });
  }
}

/** Appends records (one JSON line each) to the history file atomically. */
export function appendHistory(root: string, records: readonly BenchRecord[]): string {
  const path = historyPath(root);
  mkdirSync(historyDir(root), { recursive: true });
  removeStaleTemporaries(path);
  let existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  // A foreign writer may have left a line without its newline: keep our lines separate.
  if (existing.length > 0 && !existing.endsWith('\n')) existing += '\n';
  writeFileAtomic(path, existing + records.map((r) => JSON.stringify(r) + '\n').join(''));
  return path;
}

/** Identity of a series over time: same benchmark, arguments, allocator and knobs. */
export function seriesKey(record: Pick<BenchRecord, 'benchmark' | 'args' | 'allocator' | 'knobs'>): string {
  const knobs = Object.keys(record.knobs)
    .sort()
    .map((k) => [k, record.knobs[k]]);
  return JSON.stringify([record.benchmark, record.args, record.allocator.name, knobs]);
}

type Pins = Record<string, string>;

export function readPins(root: string): Pins {
  try {
    const value: unknown = JSON.parse(readFileSync(pinsPath(root), 'utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Pins;
    }
  } catch {
    // No pins yet, or an unreadable file: no pins.
  }
  return {};
}

/** Pins a record as the baseline of its series. */
export function pinBaseline(root: string, record: BenchRecord): void {
  mkdirSync(historyDir(root), { recursive: true });
  const pins = readPins(root);
  pins[seriesKey(record)] = record.id;
  writeFileAtomic(pinsPath(root), JSON.stringify(pins, null, 2) + '\n');
}

export function unpinBaseline(root: string, record: Pick<BenchRecord, 'benchmark' | 'args' | 'allocator' | 'knobs'>): void {
  const pins = readPins(root);
  const key = seriesKey(record);
  if (!(key in pins)) return;
  delete pins[key];
  writeFileAtomic(pinsPath(root), JSON.stringify(pins, null, 2) + '\n');
}

export interface Baseline {
  readonly record: BenchRecord;
  readonly pinned: boolean;
}

/**
 * The reference for a new series: the pinned record of the series if there is one,
 * else the latest record of the series made on a different commit than `commit`.
 */
export function findBaseline(
  history: readonly BenchRecord[],
  series: Pick<BenchRecord, 'benchmark' | 'args' | 'allocator' | 'knobs'>,
  commit: string | null,
  pins: Pins = {},
): Baseline | undefined {
  const key = seriesKey(series);
  const pinnedId = pins[key];
  if (pinnedId !== undefined) {
    const pinned = history.find((r) => r.id === pinnedId);
    if (pinned) return { record: pinned, pinned: true };
  }
  for (let i = history.length - 1; i >= 0; i--) {
    const r = history[i]!;
    if (r.git && r.git.commit !== commit && seriesKey(r) === key) return { record: r, pinned: false };
  }
  return undefined;
}

// The two ways a set of files is indexed: on worker threads (a large set; a huge
// file cut into slices analysed in parallel), or on the calling thread (a huge file
// slice after slice, so only one slice's tree is alive at a time).
import { availableParallelism } from 'node:os';
import { analyseText, mergeSlices, sliceBoundaries, type AnalysisContext, type FileAnalysis } from './fileAnalysis';
import { IndexPool } from './pool';
import type { WorkerSetup } from './worker';

/** Below this much source text, starting worker threads costs more than it saves. */
const PARALLEL_INDEX_CHARS = 1_500_000;
/** A file at least this large is cut into slices indexed in parallel. */
export const SLICE_CHARS = 1_000_000;
/** Indexing threads; HAKMEM_INDEX_WORKERS=0 (or 1) keeps indexing on the calling thread. */
const MAX_WORKERS = Math.max(0, Number(process.env.HAKMEM_INDEX_WORKERS ?? 2) || 0);

/** [start, end) ranges cutting `text` into about `parts` slices at function ends (one range when it cannot be cut). */
function slicesOf(text: string, parts: number): Array<readonly [number, number]> {
  const bounds = [0, ...sliceBoundaries(text, parts), text.length];
  return bounds.slice(1).map((end, i) => [bounds[i]!, end] as const);
}

/** Worker threads for indexing `bytes` of text, or undefined when the calling thread should do it. */
export async function indexingPool(bytes: number, setup: WorkerSetup): Promise<{ pool: IndexPool; workers: number } | undefined> {
  const workers = Math.min(MAX_WORKERS, availableParallelism());
  if (bytes < PARALLEL_INDEX_CHARS || workers < 2) return undefined;
  const pool = await IndexPool.create(workers, setup);
  return pool ? { pool, workers } : undefined;
}

/** Analyses every text on the pool (a huge one in `workers` slices); results in the given order. */
export async function indexOnPool(
  pool: IndexPool,
  workers: number,
  texts: ReadonlyArray<readonly [string, string]>,
  onProgress?: (done: number, total: number, path: string) => void,
): Promise<FileAnalysis[]> {
  let done = 0;
  return Promise.all(
    texts.map(async ([path, text]) => {
      const ranges = text.length >= SLICE_CHARS ? slicesOf(text, workers) : [undefined];
      const slices = await Promise.all(ranges.map((range) => pool.run({ path, text, ...(range ? { range } : {}) })));
      onProgress?.(++done, texts.length, path);
      return mergeSlices(slices);
    }),
  );
}

/** A huge file on the calling thread, slice after slice: a 10 MB file never needs its whole tree in memory. */
export function analyseInSlices(ctx: AnalysisContext, path: string, text: string): FileAnalysis {
  const sharedView = {};
  return mergeSlices(
    slicesOf(text, Math.ceil(text.length / SLICE_CHARS)).map((range) => analyseText(ctx, path, text, { range, sharedView })),
  );
}

// The suite's figures: per row, each allocator's medians relative to the best
// allocator of that row (as mimalloc-bench tabulates them); per allocator, the
// geometric mean over the rows with a bootstrap interval (resampling rows).
import type { BenchRecord } from '../record';
import { bootstrapInterval, mean, median } from '../stats';
import type { SuiteCell, SuiteMean, SuiteRow } from './types';

function medianOf(values: readonly (number | undefined | null)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length > 0 ? median(known) : null;
}

/** The cells of one row, from its records (one per allocator that finished). */
export function rowCells(records: readonly BenchRecord[]): SuiteCell[] {
  const raw = records.map((r) => ({
    allocator: r.allocator.name,
    seconds: r.summary.medianSeconds,
    opsPerSec: r.summary.median,
    rssKb: r.summary.medianMaxRssKb,
    sysSeconds: medianOf(r.samples.map((s) => s.sysSeconds)),
    minorFaults: medianOf(r.samples.map((s) => s.minorFaults)),
    majorFaults: medianOf(r.samples.map((s) => s.majorFaults)),
    runs: r.samples.length,
  }));
  // Time for the same work is 1 / throughput: right for fixed-work rows and
  // for time-boxed ones (larson runs for a fixed time and counts operations).
  const bestRate = Math.max(...raw.map((c) => c.opsPerSec).filter((v) => v > 0));
  const rssKnown = raw.map((c) => c.rssKb).filter((v): v is number => v !== null && v > 0);
  const bestRss = rssKnown.length > 0 ? Math.min(...rssKnown) : null;
  return raw.map(({ opsPerSec, ...c }) => ({
    ...c,
    relTime: opsPerSec > 0 && Number.isFinite(bestRate) ? bestRate / opsPerSec : NaN,
    relRss: c.rssKb !== null && bestRss !== null ? c.rssKb / bestRss : null,
  }));
}

/** exp(mean(log x)): the geometric mean. */
export function geometricMean(values: readonly number[]): number {
  return values.length > 0 ? Math.exp(mean(values.map(Math.log))) : NaN;
}

/** The geometric mean per allocator over the rows it was measured on, with a 95% interval. */
export function suiteMeans(rows: readonly SuiteRow[], allocators: readonly string[]): SuiteMean[] {
  return allocators.flatMap((allocator) => {
    const cells = rows.flatMap((r) => r.cells.filter((c) => c.allocator === allocator && Number.isFinite(c.relTime)));
    if (cells.length === 0) return [];
    const logs = cells.map((c) => Math.log(c.relTime));
    const ci = bootstrapInterval(logs, (v) => Math.exp(mean(v)));
    const rss = cells.map((c) => c.relRss).filter((v): v is number => v !== null && v > 0);
    return [
      {
        allocator,
        relTime: geometricMean(cells.map((c) => c.relTime)),
        relTimeCi: [ci.low, ci.high] as const,
        relRss: rss.length > 0 ? geometricMean(rss) : null,
        rows: cells.length,
      },
    ];
  });
}

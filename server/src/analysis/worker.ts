// An indexing worker: analyses whole files or slices of huge ones in parallel
// with the main thread. Plain data in, plain data out (structured clone).
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { BuildName, HakmemConfig } from '../config/config';
import { FACTS_QUERY } from '../facts/extract';
import { loadC } from '../parse/treeSitter';
import { analyseText, buildMacros, pointerConfigOf, type AnalysisContext } from './fileAnalysis';

export interface WorkerSetup {
  readonly config: HakmemConfig;
  readonly build: BuildName;
  readonly pointersEnabled: boolean;
  /** Texts of files open in the editor (they win over the disk). */
  readonly overlays: ReadonlyArray<[string, string]>;
}

export interface WorkerJob {
  readonly id: number;
  readonly path: string;
  readonly text: string;
  readonly range?: readonly [number, number];
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const setup = workerData as WorkerSetup;
  const lang = await loadC();
  const overlays = new Map(setup.overlays);
  const disk = new Map<string, string | null>();
  const ctx: AnalysisContext = {
    parser: lang.newParser(),
    query: lang.query(FACTS_QUERY),
    build: setup.build,
    config: setup.config,
    pointerConfig: pointerConfigOf(setup.config),
    pointersEnabled: setup.pointersEnabled,
    baseMacros: buildMacros(setup.config, setup.build),
    readSource: (path) => {
      const open = overlays.get(path);
      if (open !== undefined) return open;
      if (!disk.has(path)) {
        try {
          disk.set(path, readFileSync(path, 'utf8'));
        } catch {
          disk.set(path, null);
        }
      }
      return disk.get(path) ?? null;
    },
  };
  port.on('message', (job: WorkerJob) => {
    try {
      const { view: _view, ...result } = analyseText(ctx, job.path, job.text, job.range ? { range: job.range } : {});
      // The view stays here: only an editor's incremental update needs it, and copying a large text back costs.
      port.postMessage({ id: job.id, result });
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
  port.postMessage({ ready: true });
}

void main();

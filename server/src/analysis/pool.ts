import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileAnalysis } from './fileAnalysis';
import type { WorkerJob, WorkerSetup } from './worker';

/** The worker script beside this module: server/dist/worker.js in the bundle, worker.js in the tsc output. */
function workerScript(): string | undefined {
  const path = join(__dirname, 'worker.js');
  return existsSync(path) ? path : undefined;
}

interface Pending {
  resolve(result: FileAnalysis): void;
  reject(error: Error): void;
}

/** A few indexing workers, each with its own parser, fed one job at a time. */
export class IndexPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ job: Omit<WorkerJob, 'id'>; pending: Pending }> = [];
  private readonly inFlight = new Map<number, { worker: Worker; pending: Pending }>();
  private nextId = 1;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: { id: number; result?: FileAnalysis; error?: string }) => this.settle(w, m));
      w.on('error', (e) => this.fail(w, e));
    }
    this.idle.push(...workers);
  }

  /** Starts `size` workers; undefined when workers cannot run here (the caller indexes on its own thread). */
  static async create(size: number, setup: WorkerSetup): Promise<IndexPool | undefined> {
    const script = workerScript();
    if (!script || size < 1) return undefined;
    const workers = Array.from({ length: size }, () => new Worker(script, { workerData: setup }));
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', () => resolve());
              w.once('error', reject);
              w.once('exit', (code) => reject(new Error(`indexing worker exited with ${code}`)));
            }),
        ),
      );
    } catch {
      await Promise.all(workers.map((w) => w.terminate()));
      return undefined;
    }
    return new IndexPool(workers);
  }

  run(job: Omit<WorkerJob, 'id'>): Promise<FileAnalysis> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, pending: { resolve, reject } });
      this.pump();
    });
  }

  async close(): Promise<void> {
    for (const { pending } of this.queue.splice(0)) pending.reject(new Error('indexing cancelled'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { job, pending } = this.queue.shift()!;
      const id = this.nextId++;
      this.inFlight.set(id, { worker, pending });
      worker.postMessage({ ...job, id });
    }
  }

  private settle(worker: Worker, m: { id: number; result?: FileAnalysis; error?: string }): void {
    const entry = this.inFlight.get(m.id);
    if (!entry) return;
    this.inFlight.delete(m.id);
    this.idle.push(worker);
    if (m.result) entry.pending.resolve(m.result);
    else entry.pending.reject(new Error(m.error ?? 'indexing worker failed'));
    this.pump();
  }

  private fail(worker: Worker, error: Error): void {
    for (const [id, entry] of this.inFlight) {
      if (entry.worker !== worker) continue;
      this.inFlight.delete(id);
      entry.pending.reject(error);
    }
  }
}

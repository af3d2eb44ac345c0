// Shrinking a failing run: each whole-number argument (thread counts,
// iteration counts, sizes) is halved, one at a time, as long as the run still
// fails the same way — same ending, same signal, same innermost workspace
// frame. Bounded by a time budget, cancellable, with progress.
import { innermostWorkspaceFrame, primaryStack } from './report';
import { triageRun, type TriageOptions, type TriageResult } from './run';

export interface ShrinkOptions extends TriageOptions {
  /** Workspace root: the frame that must stay the same lies under it. */
  readonly root: string;
  /** Argument positions (0 = first argument after the program) never changed: seeds, modes. */
  readonly keep?: readonly number[];
  /** Total time for all attempts; the smallest failing run found so far is reported when it runs out. */
  readonly budgetMs: number;
  onProgress?(message: string, fraction: number): void;
}

export interface ShrinkResult {
  /** The failure every kept attempt reproduced; undefined when the original run did not fail. */
  readonly signature?: string;
  readonly original: readonly string[];
  /** The smallest command that still fails the same way (the original when nothing smaller does). */
  readonly smallest: readonly string[];
  readonly attempts: number;
  readonly stoppedBy: 'done' | 'budget' | 'cancelled';
  /** The run of the smallest command. */
  readonly failing?: TriageResult;
}

/** How a run failed, in a comparable form; undefined for a run that did not fail. */
export function failureSignature(r: TriageResult, root: string): string | undefined {
  if (r.outcome === 'ok' || r.outcome === 'spawn' || r.outcome === 'cancelled') return undefined;
  if (r.outcome === 'exit') return `exit ${r.exitStatus}`;
  const frame = r.crash ? innermostWorkspaceFrame(primaryStack(r.crash, root), root) : undefined;
  const where = frame ? ` at ${frame.file}:${frame.line}` : '';
  return `${r.outcome} ${r.signal ?? ''}${where}`.trim();
}

const WHOLE = /^[1-9]\d*$/;

export async function shrinkRun(opts: ShrinkOptions): Promise<ShrinkResult> {
  const started = Date.now();
  const [program, ...args0] = opts.command;
  const original = [...opts.command];
  const progress = opts.onProgress ?? ((): void => undefined);
  const elapsed = (): number => (Date.now() - started) / opts.budgetMs;
  progress(`running ${original.join(' ')}`, 0);
  const first = await triageRun(opts);
  const signature = failureSignature(first, opts.root);
  let attempts = 1;
  if (!signature)
    return { original, smallest: original, attempts, stoppedBy: first.outcome === 'cancelled' ? 'cancelled' : 'done', failing: first };

  let args = [...args0];
  let failing = first;
  const shrinkable = args.map((a, i) => (WHOLE.test(a) && !(opts.keep ?? []).includes(i) ? i : -1)).filter((i) => i >= 0);
  let stoppedBy: ShrinkResult['stoppedBy'] = 'done';
  // A later pass must not pay again for a candidate that already failed differently.
  const tried = new Set<string>();
  // Passes until nothing shrinks: halving one argument may let another shrink further.
  for (let changed = true; changed && stoppedBy === 'done';) {
    changed = false;
    for (const i of shrinkable) {
      for (;;) {
        if (opts.signal.aborted) stoppedBy = 'cancelled';
        else if (Date.now() - started >= opts.budgetMs) stoppedBy = 'budget';
        if (stoppedBy !== 'done') break;
        const current = BigInt(args[i]!);
        const candidate = current / 2n;
        if (candidate < 1n) break;
        const trial = [...args];
        trial[i] = candidate.toString();
        const key = trial.join('\0');
        if (tried.has(key)) break;
        tried.add(key);
        progress(`trying ${[program, ...trial].join(' ')}`, Math.min(0.99, elapsed()));
        const r = await triageRun({ ...opts, command: [program!, ...trial] });
        attempts++;
        if (r.outcome === 'cancelled') {
          stoppedBy = 'cancelled';
          break;
        }
        if (failureSignature(r, opts.root) !== signature) break;
        args = trial;
        failing = r;
        changed = true;
      }
      if (stoppedBy !== 'done') break;
    }
  }
  progress(`smallest failing run: ${[program, ...args].join(' ')}`, 1);
  return { signature, original, smallest: [program!, ...args], attempts, stoppedBy, failing };
}

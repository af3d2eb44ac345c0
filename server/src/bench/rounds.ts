// The measured runs: warm-up rounds then measured rounds, each round running
// every series once (A B A B …) so drift (thermal, other load) hits every
// series alike. One failure spoils its series: its remaining runs are skipped.
import { preloadValue } from './allocators';
import { CancelledError } from './cancelled';
import type { RunFailure } from './failures';
import { runOutcome } from './outcome';
import type { BenchmarkSpec } from './presets';
import { runInGroup } from './process';
import type { Series } from './series';

export interface RoundsPlan {
  readonly spec: BenchmarkSpec;
  readonly args: readonly string[];
  /** Environment added to every run (on top of the benchmark's own). */
  readonly env?: Readonly<Record<string, string>>;
  readonly warmup: number;
  readonly runs: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly progress: (message: string, fraction: number) => void;
  readonly onSpawn?: (pgid: number) => void;
}

/** The environment of one run: the series decides the allocator, never an inherited preload. */
function runEnv(plan: RoundsPlan, s: Series): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...plan.spec.env, ...plan.env, ...s.knobs };
  delete env['LD_PRELOAD'];
  if (s.library) env['LD_PRELOAD'] = preloadValue(s.library);
  return env;
}

/** Runs every round, adding measured samples to the series; returns the runs that failed. */
export async function runRounds(plan: RoundsPlan, series: readonly Series[]): Promise<RunFailure[]> {
  const { spec, progress } = plan;
  const failures: RunFailure[] = [];
  const rounds = plan.warmup + plan.runs;
  const total = rounds * series.length;
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    const warm = round < plan.warmup;
    for (const s of series) {
      if (s.failed) {
        done++;
        continue;
      }
      if (plan.signal.aborted) throw new CancelledError();
      const what = warm ? `warm-up ${round + 1}/${plan.warmup}` : `run ${round - plan.warmup + 1}/${plan.runs}`;
      progress(`${spec.name} · ${s.label} · ${what}`, done / total);
      const r = await runInGroup({
        command: spec.binary,
        args: plan.args,
        cwd: spec.cwd,
        env: runEnv(plan, s),
        timeoutMs: plan.timeoutMs,
        signal: plan.signal,
        ...(plan.onSpawn ? { onSpawn: plan.onSpawn } : {}),
      });
      done++;
      if (r.cancelled) throw new CancelledError();
      const outcome = runOutcome(s, r, spec, plan.timeoutMs);
      if ('failure' in outcome) {
        s.failed = true;
        failures.push(outcome.failure);
        progress(`${spec.name} · ${s.label} · ${outcome.failure.message}`, done / total);
      } else if (!warm) {
        s.samples.push(outcome.sample);
      }
    }
  }
  return failures;
}

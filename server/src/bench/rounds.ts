// The measured runs: warm-up rounds then measured rounds, each round running
// every series once (A B A B …) so drift (thermal, other load) hits every
// series alike. One failure spoils its series: its remaining runs are skipped.
import { accessSync, constants } from 'node:fs';
import { captureCrash, captureHang, type RunContext } from '../triage/capture';
import { armedCommand, coreFilesWritten } from '../triage/core';
import type { CrashReport } from '../triage/report';
import { CancelledError } from './cancelled';
import type { RunFailure } from './failures';
import { runOutcome } from './outcome';
import { runSeed, type BenchmarkSpec } from './presets';
import { runInGroup, type GroupRunResult } from './process';
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
  /** Capture a crashed or hung run's stacks (default true). */
  readonly capture?: boolean;
}

/** The environment of one run: the series decides the allocator, never an inherited preload. */
function runEnv(plan: RoundsPlan, s: Series): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...plan.spec.env, ...plan.env, ...s.knobs };
  delete env['LD_PRELOAD'];
  if (s.library) env['LD_PRELOAD'] = s.library;
  return env;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What the capture needs to know of a run of series `s`. */
function runContext(plan: RoundsPlan, s: Series, env: NodeJS.ProcessEnv): RunContext {
  const addedEnv = { ...plan.spec.env, ...plan.env, ...s.knobs, ...(s.library ? { LD_PRELOAD: s.library } : {}) };
  return {
    command: [plan.spec.binary, ...plan.args],
    cwd: plan.spec.cwd,
    env,
    addedEnv,
    seed: runSeed(plan.spec, plan.args, addedEnv),
    timeoutMs: plan.timeoutMs,
  };
}

/** The stacks of a run that crashed or hung; undefined for any other ending. */
async function crashOf(
  r: GroupRunResult,
  ctx: RunContext,
  hang: Promise<CrashReport> | undefined,
  times: { startedAtMs: number; exitedAtMs: number; armed: boolean },
): Promise<CrashReport | undefined> {
  if (r.timedOut) return hang;
  if (r.signal && r.pgid !== undefined) return captureCrash(ctx, { pid: r.pgid, signal: r.signal, ...times });
  return undefined;
}

/** Runs every round, adding measured samples to the series; returns the runs that failed. */
export async function runRounds(plan: RoundsPlan, series: readonly Series[]): Promise<RunFailure[]> {
  const { spec, progress } = plan;
  const failures: RunFailure[] = [];
  const rounds = plan.warmup + plan.runs;
  const total = rounds * series.length;
  let done = 0;
  // Cores need a core_pattern that writes files and a binary the shell can exec
  // (a missing one must still fail as a spawn error, not as the shell's 127).
  const capture = plan.capture !== false;
  const armed = capture && coreFilesWritten() && isExecutable(spec.binary);
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
      const env = runEnv(plan, s);
      const ctx = runContext(plan, s, env);
      let hang: Promise<CrashReport> | undefined;
      const startedAtMs = Date.now();
      const r = await runInGroup({
        ...(armed ? armedCommand(spec.binary, plan.args, env) : { command: spec.binary, args: [...plan.args], env }),
        cwd: spec.cwd,
        timeoutMs: plan.timeoutMs,
        signal: plan.signal,
        ...(plan.onSpawn ? { onSpawn: plan.onSpawn } : {}),
        ...(capture ? { onTimeout: (pid: number) => (hang = captureHang(ctx, pid)).then(() => undefined) } : {}),
      });
      const exitedAtMs = Date.now();
      done++;
      if (r.cancelled) throw new CancelledError();
      const outcome = runOutcome(s, r, spec, plan.timeoutMs);
      if ('failure' in outcome) {
        s.failed = true;
        const crash = capture ? await crashOf(r, ctx, hang, { startedAtMs, exitedAtMs, armed }) : undefined;
        if (plan.signal.aborted) throw new CancelledError();
        failures.push(crash ? { ...outcome.failure, crash } : outcome.failure);
        progress(`${spec.name} · ${s.label} · ${outcome.failure.message}`, done / total);
      } else if (!warm) {
        s.samples.push(outcome.sample);
      }
    }
  }
  return failures;
}

// The measured runs: warm-up rounds then measured rounds, each round running
// every series once, back to back, in alternating order (A B, then B A, …) so
// drift (thermal, other load) hits every series alike and the runs of one
// round form pairs whose ratio cancels it. One failure spoils its series: its
// remaining runs are skipped. After each measured round the caller may stop
// the run (the sequential design decides at its planned looks).
import { accessSync, constants } from 'node:fs';
import { captureCrash, captureHang, type RunContext } from '../triage/capture';
import { armedCommand, coreFilesWritten } from '../triage/core';
import type { CrashReport } from '../triage/report';
import { preloadValue } from './allocators';
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
  /** The most measured rounds (the budget in runs per series). */
  readonly runs: number;
  readonly timeoutMs: number;
  /** CPU list for taskset -c (every run pinned to these CPUs), or undefined. */
  readonly pinCpus?: string;
  readonly signal: AbortSignal;
  readonly progress: (message: string, fraction: number) => void;
  readonly onSpawn?: (pgid: number) => void;
  /** Capture a crashed or hung run's stacks (default true). */
  readonly capture?: boolean;
  /** Called after each measured round with the rounds measured so far and the seconds spent measuring them; true stops the run. */
  readonly afterRound?: (measured: number, seconds: number) => boolean;
}

/** The environment of one run: the series decides the allocator, never an inherited preload. */
function runEnv(plan: RoundsPlan, s: Series): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...plan.spec.env, ...plan.env, ...s.knobs };
  delete env['LD_PRELOAD'];
  if (s.library) env['LD_PRELOAD'] = preloadValue(s.library);
  return env;
}

/** A taskset CPU list: 1, 0-3, 1,3 … (checked before it reaches a command line). */
export function isCpuList(value: string): boolean {
  return /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(value);
}

/** The order of a round: as given on even rounds, reversed on odd ones (A B | B A | A B …). */
export function roundOrder<T>(series: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...series] : [...series].reverse();
}

/** The command line of one run: taskset execs the benchmark, so its pid, group and output are the benchmark's. */
function commandLine(plan: RoundsPlan): { command: string; args: readonly string[] } {
  if (!plan.pinCpus) return { command: plan.spec.binary, args: plan.args };
  return { command: 'taskset', args: ['-c', plan.pinCpus, plan.spec.binary, ...plan.args] };
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
  if (r.signal && r.pid !== undefined) return captureCrash(ctx, { pid: r.pid, signal: r.signal, ...times });
  return undefined;
}

/** Runs the rounds, adding measured samples to the series; returns the runs that failed. */
export async function runRounds(plan: RoundsPlan, series: readonly Series[]): Promise<RunFailure[]> {
  const { spec, progress } = plan;
  const failures: RunFailure[] = [];
  const rounds = plan.warmup + plan.runs;
  const total = rounds * series.length;
  const { command, args } = commandLine(plan);
  // Cores need a core_pattern that writes files and a binary the shell can exec
  // (a missing one must still fail as a spawn error, not as the shell's 127).
  const capture = plan.capture !== false;
  const armed = capture && coreFilesWritten() && isExecutable(spec.binary);
  let done = 0;
  let measuringSince = 0;
  for (let round = 0; round < rounds; round++) {
    const warm = round < plan.warmup;
    if (round === plan.warmup) measuringSince = performance.now();
    for (const s of roundOrder(series, round)) {
      if (s.failed) {
        done++;
        continue;
      }
      if (plan.signal.aborted) throw new CancelledError();
      const what = warm ? `warm-up ${round + 1}/${plan.warmup}` : `run ${round - plan.warmup + 1} (budget ${plan.runs})`;
      progress(`${spec.name} · ${s.label} · ${what}`, done / total);
      const env = runEnv(plan, s);
      const ctx = runContext(plan, s, env);
      let hang: Promise<CrashReport> | undefined;
      const startedAtMs = Date.now();
      const r = await runInGroup({
        ...(armed ? armedCommand(command, args, env) : { command, args: [...args], env }),
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
    if (!warm && plan.afterRound?.(round - plan.warmup + 1, (performance.now() - measuringSince) / 1000)) break;
    if (series.every((s) => s.failed)) break;
  }
  return failures;
}

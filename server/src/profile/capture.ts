import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CallgrindParser } from './callgrind';
import { foldedText } from './folded';
import { importPerfData } from './import';
import { forEachLine } from './lines';
import { totalWeight, type ProfileModel } from './model';
import { findOnPath, paranoidMessage, perfEvent, perfEventParanoid, VALGRIND_MISSING } from './tools';

export type ProfileTool = 'perf' | 'callgrind';

export interface CaptureOptions {
  readonly command: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly tool: ProfileTool;
  /** Where the raw profile and the folded stacks are written (created when missing). */
  readonly outDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
  /** perf sampling frequency in Hz (default 999, off the beat of periodic timers). */
  readonly frequency?: number;
  /**
   * perf only: when one run of the command gives fewer samples than this, it is
   * recorded again, run back to back as many times as should reach it (within
   * MAX_REPEATS and REPEAT_BUDGET_SECONDS). 0 (the default) records one run.
   */
  readonly minSamples?: number;
}

/** Samples a profile should have by default: below a few thousand, shares of a few percent are noise. */
export const DEFAULT_MIN_SAMPLES = 2000;
const MAX_REPEATS = 500;
/** The repeated recording aims to stay within this many seconds of wall time. */
const REPEAT_BUDGET_SECONDS = 90;

export interface CaptureResult {
  readonly model: ProfileModel;
  readonly files: CaptureFiles;
  /** Samples in the profile (perf); undefined for callgrind, which counts instructions. */
  readonly samples?: number;
  /** How many times the command ran back to back in the recording. */
  readonly runs: number;
}

export interface CaptureFiles {
  /** perf.data or callgrind.out. */
  readonly raw: string;
  readonly folded: string;
}

/**
 * A capture that could not be made. `setup` is true when the tool is missing or
 * not permitted (the message says what to install or change), false when the
 * profiled command itself failed.
 */
export class CaptureError extends Error {
  constructor(
    message: string,
    readonly setup = true,
  ) {
    super(message);
  }
}

/** Runs the command under perf (cpu-clock, call graphs from frame pointers) or callgrind and imports the result. */
export async function captureProfile(options: CaptureOptions): Promise<CaptureResult> {
  if (options.command.length === 0) throw new CaptureError('no command to profile');
  const program = options.command[0]!;
  const programPath = program.includes('/') ? resolve(options.cwd ?? process.cwd(), program) : findOnPath(program);
  if (!programPath || !existsSync(programPath)) throw new CaptureError(`cannot profile ${program}: no such program`);
  await mkdir(options.outDir, { recursive: true });
  let model: ProfileModel;
  let runs = 1;
  let samples: number | undefined;
  if (options.tool === 'perf') {
    const started = Date.now();
    model = await capturePerf(options, 1);
    samples = totalWeight(model);
    const wanted = options.minSamples ?? 0;
    if (samples < wanted) {
      // Too short to say anything: run it again, back to back, long enough.
      const seconds = Math.max(0.01, (Date.now() - started) / 1000);
      const byBudget = Math.max(2, Math.floor(REPEAT_BUDGET_SECONDS / seconds));
      runs = Math.min(MAX_REPEATS, byBudget, Math.ceil((wanted * 1.3) / Math.max(1, samples)));
      options.onProgress?.(`${samples} samples from one run; recording ${runs} runs back to back`);
      model = await capturePerf(options, runs);
      samples = totalWeight(model);
    }
  } else {
    model = await captureCallgrind(options);
  }
  const folded = join(options.outDir, 'profile.folded');
  await writeFile(folded, foldedText(model));
  const raw = join(options.outDir, options.tool === 'perf' ? 'perf.data' : 'callgrind.out');
  return { model, files: { raw, folded }, runs, ...(samples !== undefined ? { samples } : {}) };
}

/** The command as given, or a shell loop running it `runs` times (stopping at the first failure). */
function repeated(command: readonly string[], runs: number): string[] {
  if (runs <= 1) return [...command];
  // "$@" keeps every argument whole, whatever it contains.
  return ['/bin/sh', '-c', `i=0; while [ $i -lt ${runs} ]; do "$@" >/dev/null || exit $?; i=$((i+1)); done`, 'hakmem-repeat', ...command];
}

async function capturePerf(options: CaptureOptions, runs: number): Promise<ProfileModel> {
  const choice = perfEvent();
  if ('problem' in choice) throw new CaptureError(choice.problem);
  const data = join(options.outDir, 'perf.data');
  const args = [
    'record',
    '-e',
    choice.event,
    '-g',
    '-F',
    String(options.frequency ?? 999),
    '-o',
    data,
    '--',
    ...repeated(options.command, runs),
  ];
  options.onProgress?.(`perf ${args.join(' ')}`);
  const result = await runGroup('perf', args, options);
  if (/perf_event_paranoid|Permission denied|not permitted/i.test(result.stderr) && result.code !== 0) {
    throw new CaptureError(paranoidMessage(perfEventParanoid()));
  }
  if (result.code !== 0) throw new CaptureError(`the profiled command failed (exit ${result.code}): ${lastLines(result.stderr)}`, false);
  options.onProgress?.('perf script');
  return importPerfData(data, { signal: options.signal });
}

async function captureCallgrind(options: CaptureOptions): Promise<ProfileModel> {
  if (!findOnPath('valgrind')) throw new CaptureError(VALGRIND_MISSING);
  const out = join(options.outDir, 'callgrind.out');
  const args = ['--tool=callgrind', `--callgrind-out-file=${out}`, '--', ...options.command];
  options.onProgress?.(`valgrind ${args.join(' ')}`);
  const result = await runGroup('valgrind', args, options);
  if (result.code !== 0)
    throw new CaptureError(`the profiled command failed under callgrind (exit ${result.code}): ${lastLines(result.stderr)}`, false);
  const parser = new CallgrindParser();
  await forEachLine(out, (l) => parser.line(l), { signal: options.signal });
  return parser.finish();
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ') || 'no output';
}

/**
 * Runs a tool in its own process group, so an abort stops the tool and
 * everything the profiled command started (benchmarks fork threads and
 * children): SIGTERM to the group, SIGKILL if it lingers.
 */
function runGroup(file: string, args: readonly string[], options: CaptureOptions): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-16384);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), 2000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(new CaptureError(`cannot run ${file}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // The tool is gone; make sure nothing it started outlives it.
      killGroup('SIGKILL');
      if (options.signal?.aborted) reject(options.signal.reason ?? new Error('aborted'));
      else resolve({ code: code ?? (signal ? 128 : 1), stderr });
    });
  });
}

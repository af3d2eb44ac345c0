// What one run of a series yields: a sample, or a failure that says what went
// wrong (crash, exit status, timeout, unreadable output) and what to try next.
import { OutputParseError, parseRunOutput } from './output';
import type { BenchmarkSpec } from './presets';
import { signalNumber, type GroupRunResult } from './process';
import type { RunFailure } from './failures';
import type { Sample } from './record';
import type { Series } from './series';

const TAIL_LINES = 20;

function tail(text: string, lines = TAIL_LINES): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

function describeFailure(series: Series, r: GroupRunResult, binary: string, timeoutMs: number): RunFailure | undefined {
  const debugHint =
    series.allocator === 'hakmem'
      ? { suggestion: 're-run with the debug build (hakmem-debug), whose checks stop at the first corruption', rerunWith: 'hakmem-debug' }
      : { suggestion: 're-run under a debug or sanitizer build (-fsanitize=address) of the allocator to find the first bad access' };
  const base = { label: series.label, allocator: series.allocator, stderrTail: tail(r.stderr), stdoutTail: tail(r.stdout) };
  if (r.spawnError) {
    return {
      ...base,
      kind: 'spawn',
      message: `could not start ${binary}: ${r.spawnError}`,
      signal: null,
      exitStatus: null,
      suggestion: 'check the binary path and that it is executable',
    };
  }
  if (r.timedOut) {
    return {
      ...base,
      kind: 'timeout',
      message: `timed out after ${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s; its process group was killed`,
      signal: 'SIGKILL',
      exitStatus: null,
      suggestion: 'a hang often means a lost wake-up or a corrupted free list; raise the timeout only if the run is just slow',
    };
  }
  if (r.signal) {
    const num = signalNumber(r.signal);
    const exitStatus = num !== undefined ? 128 + num : null;
    return {
      ...base,
      kind: 'crash',
      message: `crashed: killed by ${r.signal}${exitStatus !== null ? ` (exit status ${exitStatus})` : ''}`,
      signal: r.signal,
      exitStatus,
      ...debugHint,
    };
  }
  if (r.exitStatus !== 0) {
    return { ...base, kind: 'exit', message: `failed: exit status ${r.exitStatus}`, signal: null, exitStatus: r.exitStatus, ...debugHint };
  }
  return undefined;
}

/** The child's getrusage figures its result line reported (the bundled benchmarks print them). */
function rusageFields(fields: Readonly<Record<string, unknown>> | undefined): Pick<Sample, 'sysSeconds' | 'minorFaults' | 'majorFaults'> {
  const pick = (name: string): number | undefined => {
    const v = fields?.[name];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  };
  const sys = pick('sys_seconds');
  const minor = pick('minor_faults');
  const major = pick('major_faults');
  return {
    ...(sys !== undefined ? { sysSeconds: sys } : {}),
    ...(minor !== undefined ? { minorFaults: minor } : {}),
    ...(major !== undefined ? { majorFaults: major } : {}),
  };
}

/** The sample a finished run measured, or why it measured nothing. */
export function runOutcome(
  series: Series,
  r: GroupRunResult,
  spec: BenchmarkSpec,
  timeoutMs: number,
): { sample: Sample } | { failure: RunFailure } {
  const failure = describeFailure(series, r, spec.binary, timeoutMs);
  if (failure) return { failure };
  try {
    const parsed = parseRunOutput(r.stdout, spec.result);
    const usage = rusageFields(parsed.fields);
    return {
      sample: {
        index: series.samples.length,
        opsPerSec: parsed.value,
        seconds: parsed.seconds ?? r.wallSeconds,
        wallSeconds: r.wallSeconds,
        maxRssKb: parsed.maxRssKb ?? r.peakRssKb ?? null,
        exitStatus: r.exitStatus,
        ...usage,
      },
    };
  } catch (e) {
    if (!(e instanceof OutputParseError)) throw e;
    return {
      failure: {
        label: series.label,
        allocator: series.allocator,
        kind: 'output',
        message: `unreadable output: ${e.message}`,
        signal: null,
        exitStatus: r.exitStatus,
        stderrTail: tail(r.stderr),
        stdoutTail: tail(r.stdout),
        suggestion: spec.result?.regex
          ? 'check result.regex in .hakmem.json against the output below'
          : 'the benchmark must print one line `HAKMEM_RESULT {"ops_per_sec": …}`, or set result.regex in .hakmem.json',
      },
    };
  }
}

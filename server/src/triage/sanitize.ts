// Re-running under sanitizers: the allocator built with ASan+UBSan (or TSan
// for a multi-threaded run) inside the program — native/Makefile's sanitizer
// flags, the program's malloc & co. turned into hak_* calls — run with the same
// arguments, and the sanitizer's reports read into located problems.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runInGroup } from '../bench/process';
import type { CrashLocation, CrashProblem } from './problems';
import { frameText } from './report';
import { parseSanitizerOutput, type SanitizerReport } from './sanitizerReport';

export type Sanitizer = 'address' | 'thread';

export interface SanitizeOptions {
  readonly sanitizer: Sanitizer;
  /** The bundled allocator's folder (its Makefile builds the sanitized program). */
  readonly nativeDir: string;
  /** A bundled benchmark binary (build/bench/bench_<name>) or a one-file C program (.c). */
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface SanitizeResult {
  readonly reports: SanitizerReport[];
  /** The sanitized program that ran. */
  readonly binary?: string;
  readonly exitStatus: number | null;
  readonly signalName: string | null;
  /** Why nothing could be run (the build failed, the program is not one we can build). */
  readonly error?: string;
}

const DIR: Record<Sanitizer, string> = { address: 'asan', thread: 'tsan' };

/** The make target and output for the program, or a reason it cannot be built. */
function target(opts: SanitizeOptions): { args: string[]; binary: string; temp?: string } | { error: string } {
  const san = DIR[opts.sanitizer];
  const bench = /^bench_(\w+)$/.exec(basename(opts.program));
  if (bench && existsSync(join(opts.nativeDir, 'bench', `${basename(opts.program)}.c`))) {
    const rel = `build/${san}/${basename(opts.program)}`;
    return { args: ['-s', rel], binary: join(opts.nativeDir, rel) };
  }
  if (opts.program.endsWith('.c')) {
    const temp = mkdtempSync(join(tmpdir(), 'hakmem-sanitized-'));
    const out = join(temp, basename(opts.program, '.c'));
    return { args: ['-s', 'sanitized', `SAN=${san}`, `SRC=${opts.program}`, `OUT=${out}`], binary: out, temp };
  }
  return {
    error: `${opts.program} is neither a bundled benchmark nor a C source file: a sanitizer build needs the program's source (pass the .c file)`,
  };
}

export async function sanitizedRun(opts: SanitizeOptions): Promise<SanitizeResult> {
  const t = target(opts);
  if ('error' in t) return { reports: [], exitStatus: null, signalName: null, error: t.error };
  try {
    return await buildAndRun(opts, t);
  } finally {
    // A one-file program's sanitized build lives only for this run.
    if (t.temp) rmSync(t.temp, { recursive: true, force: true });
  }
}

async function buildAndRun(opts: SanitizeOptions, t: { args: string[]; binary: string }): Promise<SanitizeResult> {
  const none = { reports: [], exitStatus: null, signalName: null };
  const build = await runInGroup({
    command: 'make',
    args: t.args,
    cwd: opts.nativeDir,
    env: process.env,
    timeoutMs: 300_000,
    signal: opts.signal,
  });
  if (build.spawnError) return { ...none, error: `could not run make: ${build.spawnError} (Debian package build-essential)` };
  if (build.exitStatus !== 0)
    return { ...none, error: `the sanitizer build failed:\n${build.stderr.trim().split('\n').slice(-15).join('\n')}` };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    // Stop at the first report, with a stack for UBSan too; leaks are not what we look for.
    ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=0',
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    TSAN_OPTIONS: 'halt_on_error=1:second_deadlock_stack=1',
  };
  delete env['LD_PRELOAD'];
  const r = await runInGroup({ command: t.binary, args: opts.args, cwd: opts.cwd, env, timeoutMs: opts.timeoutMs, signal: opts.signal });
  // Sanitizers print paths as compiled: relative to the allocator's folder.
  return {
    reports: parseSanitizerOutput(r.stderr, opts.nativeDir),
    ...(t.args.includes('sanitized') ? {} : { binary: t.binary }),
    exitStatus: r.exitStatus,
    signalName: r.signal,
  };
}

function isUnder(file: string, root: string): boolean {
  return file.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** A report as an editor problem: at its innermost workspace frame, every stack as related information. */
export function sanitizerProblem(report: SanitizerReport, root: string): CrashProblem | undefined {
  const first = report.stacks[0]?.frames.find((f) => f.file && f.line && isUnder(f.file, root));
  const at = first ? { file: first.file!, line: first.line! } : report.at && isUnder(report.at.file, root) ? report.at : undefined;
  if (!at) return undefined;
  const related: CrashLocation[] = report.stacks.flatMap((s) =>
    s.frames.flatMap((f) => (f.file && f.line ? [{ file: f.file, line: f.line, message: `${s.title}: ${frameText(f)}` }] : [])),
  );
  return { file: at.file, line: at.line, message: report.headline, related, notes: [] };
}

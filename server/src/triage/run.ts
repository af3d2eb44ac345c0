// Runs any program under a chosen allocator with the capture armed, and says
// how it ended: `hakmem triage` and anything else that wants one run's report.
import { resolveAllocator } from '../bench/allocators';
import { runInGroup } from '../bench/process';
import { captureCrash, captureHang, type RunContext } from './capture';
import { armedCommand, coreFilesWritten } from './core';
import type { CrashReport } from './report';

export interface TriageOptions {
  /** The program and its arguments. */
  readonly command: readonly string[];
  readonly cwd: string;
  /** Allocator name or library path (see bench/allocators.ts); default system. */
  readonly allocator?: string;
  /** The bundled allocator's folder, for hakmem / hakmem-debug. */
  readonly nativeDir: string;
  /** Environment added to the inherited one. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface TriageResult {
  /** How the run ended. */
  readonly outcome: 'ok' | 'exit' | 'crash' | 'abort' | 'hang' | 'spawn' | 'cancelled';
  readonly exitStatus: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;
  readonly crash?: CrashReport;
  /** Why the program did not start (spawn), or the allocator is not available. */
  readonly error?: string;
}

function tail(text: string, lines = 20): string {
  return text.replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
}

export async function triageRun(opts: TriageOptions): Promise<TriageResult> {
  const none = { exitStatus: null, signal: null, stderrTail: '' };
  const choice = resolveAllocator(opts.allocator ?? 'system', opts.nativeDir, opts.cwd);
  if (choice.missing) {
    const how = choice.missing.debianPackage
      ? `apt-get install ${choice.missing.debianPackage}`
      : 'build it first (make -C native for the bundled one)';
    return { ...none, outcome: 'spawn', error: `allocator ${choice.name} is not available: ${choice.missing.library} (${how})` };
  }
  const added: Record<string, string> = { ...opts.env, ...(choice.preload ? { LD_PRELOAD: choice.preload } : {}) };
  const env: NodeJS.ProcessEnv = { ...process.env, ...added };
  if (!choice.preload) delete env['LD_PRELOAD'];
  const [program, ...args] = opts.command;
  if (!program) return { ...none, outcome: 'spawn', error: 'no command to run' };
  const ctx: RunContext = { command: opts.command, cwd: opts.cwd, env, addedEnv: added, timeoutMs: opts.timeoutMs };
  const armed = coreFilesWritten();
  let hang: Promise<CrashReport> | undefined;
  const startedAtMs = Date.now();
  const r = await runInGroup({
    ...(armed ? armedCommand(program, args, env) : { command: program, args, env }),
    cwd: opts.cwd,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onTimeout: (pid) => (hang = captureHang(ctx, pid)).then(() => undefined),
  });
  const exitedAtMs = Date.now();
  const base = { exitStatus: r.exitStatus, signal: r.signal, stderrTail: tail(r.stderr) };
  if (r.cancelled) return { ...base, outcome: 'cancelled' };
  if (r.spawnError) return { ...base, outcome: 'spawn', error: `could not start ${program}: ${r.spawnError}` };
  // Through armedCommand's shell, a program that cannot start is the shell's 127 or 126.
  if (armed && r.exitStatus === 127 && /not found|No such file/.test(r.stderr))
    return { ...base, outcome: 'spawn', error: `could not start ${program}: not found` };
  if (armed && r.exitStatus === 126) return { ...base, outcome: 'spawn', error: `could not start ${program}: not executable` };
  if (r.timedOut) return { ...base, outcome: 'hang', ...(hang ? { crash: await hang } : {}) };
  if (r.signal && r.pgid !== undefined) {
    const crash = await captureCrash(ctx, { pid: r.pgid, signal: r.signal, startedAtMs, exitedAtMs, armed });
    return { ...base, outcome: crash.kind, crash };
  }
  return { ...base, outcome: r.exitStatus === 0 ? 'ok' : 'exit' };
}
